// Runs the built service once: a reply that reaches the agent runner proves one delegate store.
const { reply } = await import('./dist/main.mjs')
console.log(await reply('request-1', 'continue the migration'))
