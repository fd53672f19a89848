// Uses the built library as a host application would: registers, then starts the lazy runtime.
const { register, start } = await import('./dist/index.js')
register('greeter', () => 'registered before the runtime loaded')
console.log((await start()).join('\n'))
