// @singleton
/** Work handed from `continue_work` to the agent runner: must exist once per process. */
export const pendingDelegates: Map<string, string> = new Map()
