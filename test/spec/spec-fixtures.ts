import { errnoCode } from '../../src/error/index.ts'

/** The folder and home folder the npm-package-arg expectations were produced with. */
export const WHERE = '/w/proj'
export const HOME = '/home/u'

/** The code of the error `run` throws, 'no error' when it returns. */
export function errorCode(run: () => unknown): string {
  try {
    run()
    return 'no error'
  } catch (error) {
    return errnoCode(error) ?? 'not a coded error'
  }
}
