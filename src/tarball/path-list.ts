/** A list of relative paths as one string (PackageIndex): joined with "\0", "" when empty. */
export const PATH_SEPARATOR = '\0'

export function joinPaths(paths: readonly string[]): string {
  return paths.join(PATH_SEPARATOR)
}

export function splitPaths(joined: string): string[] {
  return joined === '' ? [] : joined.split(PATH_SEPARATOR)
}

/** How many paths the list holds, without splitting it. */
export function countPaths(joined: string): number {
  if (joined === '') return 0
  let count = 1
  for (let at = joined.indexOf(PATH_SEPARATOR); at !== -1; at = joined.indexOf(PATH_SEPARATOR, at + 1)) count++
  return count
}
