/**
 * Terminal colors as npm's chalk writes them, or plain text when color is off (not a TTY,
 * NO_COLOR): the renderers take one of these. Styles nest as chalk's chains do:
 * `bold(underline(text))` is `chalk.bold.underline(text)`.
 */
export type Style = (text: string) => string

export interface Paint {
  red: Style
  redBright: Style
  yellow: Style
  green: Style
  blue: Style
  blueBright: Style
  cyan: Style
  magenta: Style
  magentaBright: Style
  dim: Style
  bold: Style
  underline: Style
  reset: Style
}

const CODES: Record<keyof Paint, [number, number]> = {
  red: [31, 39],
  redBright: [91, 39],
  yellow: [33, 39],
  green: [32, 39],
  blue: [34, 39],
  blueBright: [94, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  magentaBright: [95, 39],
  dim: [2, 22],
  bold: [1, 22],
  underline: [4, 24],
  reset: [0, 0],
}

export function createPaint(color: boolean): Paint {
  const styles = {} as Paint
  for (const [name, [open, close]] of Object.entries(CODES) as Array<[keyof Paint, [number, number]]>) {
    styles[name] = color ? ansiStyle(`\u001b[${open}m`, `\u001b[${close}m`) : (text) => text
  }
  return styles
}

/**
 * chalk's rules: a close code already inside re-opens the style after it, and the style is
 * closed before each line break and opened again after it.
 */
function ansiStyle(open: string, close: string): Style {
  return (text) => {
    if (text === '') return text
    const reopened = text.includes('\u001b') ? text.replaceAll(close, close + open) : text
    return open + reopened.replace(/\r?\n/g, (lineBreak) => `${close}${lineBreak}${open}`) + close
  }
}
