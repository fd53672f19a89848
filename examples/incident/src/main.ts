export { reply } from './auto-reply/reply/pipeline.ts'
