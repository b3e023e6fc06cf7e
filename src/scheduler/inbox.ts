import { Fifo } from './fifo.ts'

/** An unbounded single-consumer event queue: producers post, the scheduler loop awaits. */
export interface Inbox<T> {
  post(item: T): void
  next(): Promise<T>
}

export function createInbox<T>(): Inbox<T> {
  const items = new Fifo<T>()
  let wake: ((item: T) => void) | undefined
  return {
    post(item: T): void {
      if (!wake) {
        items.push(item)
        return
      }
      const resolve = wake
      wake = undefined
      resolve(item)
    },
    next(): Promise<T> {
      if (items.length > 0) return Promise.resolve(items.shift() as T)
      return new Promise<T>((resolve) => {
        wake = resolve
      })
    },
  }
}
