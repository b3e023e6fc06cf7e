export { parseLsRemote, pickCommit, type GitRefs } from './git-refs.ts'
export { checkoutCommit, listRefs, unknownCommittish } from './repository.ts'
export { packlist } from './packlist.ts'
export type { GitEnv } from './run-git.ts'
