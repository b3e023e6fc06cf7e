import { describe, expect, test } from 'bun:test'
import { createPaint, renderViewFields, renderViewSummary, selectViewData } from '../../src/query/index.ts'
import { parseFieldPath, queryField } from '../../src/query/view-fields.ts'

// expected texts are what npm 11.19's `npm view` printed for this document, served by a local registry

const document = {
  "_id": "widget",
  "name": "widget",
  "description": "A widget for tests",
  "dist-tags": {
    "latest": "1.2.0",
    "next": "2.0.0-rc.1",
    "beta": "2.0.0-beta.1",
    "old": "1.0.0",
    "legacy": "0.9.0",
    "lts": "1.1.0",
    "canary": "2.0.0-rc.1"
  },
  "maintainers": [
    {
      "name": "alice",
      "email": "alice@example.com"
    },
    {
      "name": "bob"
    }
  ],
  "keywords": [
    "widget",
    "test"
  ],
  "homepage": "https://widget.example.com",
  "repository": {
    "type": "git",
    "url": "git+https://github.com/example/widget.git"
  },
  "author": {
    "name": "Alice",
    "email": "alice@example.com",
    "url": "https://alice.example.com"
  },
  "license": "MIT",
  "readme": "# widget",
  "time": {
    "created": "2020-01-01T00:00:00.000Z",
    "modified": "2021-03-01T00:00:00.000Z",
    "0.9.0": "2020-01-01T00:00:00.000Z",
    "1.0.0": "2020-02-01T00:00:00.000Z",
    "1.1.0": "2020-03-01T00:00:00.000Z",
    "1.2.0": "2020-04-01T00:00:00.000Z",
    "2.0.0-beta.1": "2021-01-01T00:00:00.000Z",
    "2.0.0-rc.1": "2021-02-01T00:00:00.000Z"
  },
  "versions": {
    "0.9.0": {
      "name": "widget",
      "version": "0.9.0",
      "license": {
        "type": "ISC"
      },
      "dist": {
        "tarball": "https://r.example/widget/-/widget-0.9.0.tgz",
        "shasum": "09"
      }
    },
    "1.0.0": {
      "name": "widget",
      "version": "1.0.0",
      "license": "MIT",
      "deprecated": "use 1.2.0",
      "dist": {
        "tarball": "https://r.example/widget/-/widget-1.0.0.tgz",
        "shasum": "10",
        "integrity": "sha512-ten"
      }
    },
    "1.1.0": {
      "name": "widget",
      "version": "1.1.0",
      "dist": {
        "tarball": "https://r.example/widget/-/widget-1.1.0.tgz",
        "shasum": "11"
      }
    },
    "1.2.0": {
      "name": "widget",
      "version": "1.2.0",
      "description": "A widget for tests",
      "license": "MIT",
      "homepage": "https://widget.example.com",
      "bin": {
        "widget": "bin/widget.js",
        "wdg": "bin/widget.js"
      },
      "dependencies": {
        "a1": "^1.0.0",
        "a2": "^1.0.0",
        "a3": "^1.0.0",
        "a4": "^1.0.0",
        "a5": "^1.0.0",
        "a6": "^1.0.0",
        "a7": "^1.0.0",
        "a8": "^1.0.0",
        "a9": "^1.0.0",
        "a10": "^1.0.0",
        "a11": "^1.0.0",
        "a12": "^1.0.0",
        "a13": "^1.0.0",
        "a14": "^1.0.0",
        "a15": "^1.0.0",
        "a16": "^1.0.0",
        "a17": "^1.0.0",
        "a18": "^1.0.0",
        "a19": "^1.0.0",
        "a20": "^1.0.0",
        "a21": "^1.0.0",
        "a22": "^1.0.0",
        "a23": "^1.0.0",
        "a24": "^1.0.0",
        "a25": "^1.0.0",
        "a26": "^1.0.0"
      },
      "maintainers": [
        {
          "name": "alice",
          "email": "alice@example.com"
        }
      ],
      "_npmUser": {
        "name": "alice",
        "email": "alice@example.com"
      },
      "dist": {
        "tarball": "https://r.example/widget/-/widget-1.2.0.tgz",
        "shasum": "12",
        "integrity": "sha512-twelve",
        "unpackedSize": 123456,
        "fileCount": 7
      }
    },
    "2.0.0-beta.1": {
      "name": "widget",
      "version": "2.0.0-beta.1",
      "dist": {
        "tarball": "https://r.example/widget/-/widget-2.0.0-beta.1.tgz",
        "shasum": "2b"
      }
    },
    "2.0.0-rc.1": {
      "name": "widget",
      "version": "2.0.0-rc.1",
      "dist": {
        "tarball": "https://r.example/widget/-/widget-2.0.0-rc.1.tgz",
        "shasum": "2r"
      }
    }
  }
}

const NOW = new Date('2026-06-01T00:00:00.000Z')

function summary(rawSpec: string): string {
  const data = selectViewData(document, { rawSpec, defaultTag: 'latest', fields: [], json: false })
  return [...data.versions.values()].map((view) => renderViewSummary(data.packument, view, { paint: createPaint(false), unicode: true, now: NOW })).join('\n')
}

function fields(rawSpec: string, wanted: string[], json = false): { text?: string; json?: unknown } {
  const data = selectViewData(document, { rawSpec, defaultTag: 'latest', fields: wanted, json })
  return renderViewFields(data.versions, { json, id: data.id, colors: false })
}

describe('view summary', () => {
  test('the latest version: license, counts, bins, dist, the first 24 dependencies, maintainers, 5 dist-tags, publisher', () => {
    expect(summary('*')).toBe(`
widget@1.2.0 | MIT | deps: 26 | versions: 6
A widget for tests
https://widget.example.com

keywords: widget, test

bin: widget, wdg

dist
.tarball: https://r.example/widget/-/widget-1.2.0.tgz
.shasum: 12
.integrity: sha512-twelve
.unpackedSize: 123.5 kB

dependencies:
a1: ^1.0.0, a2: ^1.0.0, a3: ^1.0.0, a4: ^1.0.0, a5: ^1.0.0, a6: ^1.0.0, a7: ^1.0.0, a8: ^1.0.0, a9: ^1.0.0, a10: ^1.0.0, a11: ^1.0.0, a12: ^1.0.0, a13: ^1.0.0, a14: ^1.0.0, a15: ^1.0.0, a16: ^1.0.0, a17: ^1.0.0, a18: ^1.0.0, a19: ^1.0.0, a20: ^1.0.0, a21: ^1.0.0, a22: ^1.0.0, a23: ^1.0.0, a24: ^1.0.0
(...and 2 more.)

maintainers:
- alice <alice@example.com>
- bob <undefined>

dist-tags:
latest: 1.2.0
next: 2.0.0-rc.1
canary: 2.0.0-rc.1
beta: 2.0.0-beta.1
lts: 1.1.0
(...and 2 more.)

published over a year ago by alice <alice@example.com>`)
  })

  test('a deprecated version, and a license object read by its type', () => {
    expect(summary('1.0.0').split('\n').slice(0, 7)).toEqual([
      '',
      'widget@1.0.0 | MIT | deps: none | versions: 6',
      'A widget for tests',
      'https://widget.example.com',
      '',
      'DEPRECATED ⚠️  - use 1.2.0',
      '',
    ])
    expect(summary('0.9.0').split('\n')[1]).toBe('widget@0.9.0 | ISC | deps: none | versions: 6')
  })

  test('a range shows every version it matches, a tag the version it points at', () => {
    expect(summary('^1').split('\n').filter((line) => line.startsWith('widget@'))).toEqual([
      'widget@1.0.0 | MIT | deps: none | versions: 6',
      'widget@1.1.0 | MIT | deps: none | versions: 6',
      'widget@1.2.0 | MIT | deps: 26 | versions: 6',
    ])
    expect(summary('beta').split('\n')[1]).toBe('widget@2.0.0-beta.1 | MIT | deps: none | versions: 6')
  })

  test('no version for the spec is E404 naming the version', () => {
    expect(() => selectViewData(document, { rawSpec: '9', defaultTag: 'latest', fields: [], json: false })).toThrow('No match found for version 9')
    expect(() => selectViewData(document, { rawSpec: 'nope', defaultTag: 'latest', fields: [], json: false })).toThrow('No match found for version nope')
  })
})

describe('view fields', () => {
  const cases: Array<[string, string, string[], string | undefined]> = [
    ['a string, raw', '*', ['version'], '1.2.0'],
    ['an object, as util.inspect prints it', '*', ['bin'], "{ widget: 'bin/widget.js', wdg: 'bin/widget.js' }"],
    ['a long object on several lines', '*', ['dist'], "{\n  tarball: 'https://r.example/widget/-/widget-1.2.0.tgz',\n  shasum: '12',\n  integrity: 'sha512-twelve',\n  unpackedSize: 123456,\n  fileCount: 7\n}"],
    ['the sorted version list', '*', ['versions'], "[ '0.9.0', '1.0.0', '1.1.0', '1.2.0', '2.0.0-beta.1', '2.0.0-rc.1' ]"],
    ['a one-item array as its item, a person as a string', '*', ['maintainers'], 'alice <alice@example.com>'],
    ['a person with a url', '*', ['author'], 'Alice <alice@example.com> (https://alice.example.com)'],
    ['the readme only when asked for', '*', ['readme'], '# widget'],
    ['a key with dots in brackets', '*', ['time[1.0.0]'], '2020-02-01T00:00:00.000Z'],
    ['an array index', '*', ['versions[1]'], '1.0.0'],
    ['several fields of several versions', '^1', ['version', 'deprecated'], "widget@1.0.0 version = '1.0.0'\nwidget@1.0.0 deprecated = 'use 1.2.0'\nwidget@1.1.0 version = '1.1.0'\nwidget@1.2.0 version = '1.2.0'"],
    ['a field no version has: nothing', '*', ['nosuchfield'], undefined],
  ]
  test.each(cases)('%s', (_name, rawSpec, wanted, expected) => {
    expect(fields(rawSpec, wanted).text).toBe(expected as string)
  })

  test('through an array, every item (one item alone prints raw)', () => {
    expect(fields('0.9.0', ['maintainers.name']).text).toBe("maintainers[0].name = 'alice'\nmaintainers[1].name = 'bob'")
    expect(fields('*', ['maintainers.name']).text).toBe('alice')
    expect(fields('0.9.0', ['maintainers.name'], true).json).toEqual({ 'maintainers[0].name': 'alice', 'maintainers[1].name': 'bob' })
  })

  test('--json: one field is its value, several an object, several versions an array', () => {
    expect(fields('*', ['maintainers'], true).json).toEqual(['alice <alice@example.com>'])
    expect(fields('*', ['author'], true).json).toBe('Alice <alice@example.com> (https://alice.example.com)')
    expect(fields('^1', ['dist.shasum'], true).json).toEqual(['10', '11', '12'])
    expect(fields('*', ['name', 'description'], true).json).toEqual({ name: 'widget', description: 'A widget for tests' })
  })

  test('--json without fields: the document overlaid with the version, people as strings, no readme', () => {
    const data = selectViewData(document, { rawSpec: '2.0.0-rc.1', defaultTag: 'latest', fields: [], json: true })
    const json = renderViewFields(data.versions, { json: true, id: data.id, colors: false }).json as Record<string, unknown>
    expect(Object.keys(json)).toEqual(['_id', 'name', 'description', 'dist-tags', 'maintainers', 'keywords', 'homepage', 'repository', 'author', 'license', 'time', 'versions', 'version', 'dist'])
    expect(json.maintainers).toEqual(['alice <alice@example.com>', 'bob'])
    expect(json.versions).toEqual(['0.9.0', '1.0.0', '1.1.0', '1.2.0', '2.0.0-beta.1', '2.0.0-rc.1'])
    expect(json.dist).toEqual({ tarball: 'https://r.example/widget/-/widget-2.0.0-rc.1.tgz', shasum: '2r' })
  })

  test('field paths split on dots, brackets keep dotted keys', () => {
    expect(parseFieldPath('a.b[c.d].e')).toEqual(['a', 'b', 'c.d', 'e'])
    expect(parseFieldPath('list[0]')).toEqual(['list', '0'])
    expect(queryField({ a: { b: [] } }, 'a.b', true)).toEqual({ 'a.b': undefined })
    expect(queryField({ a: 1 }, 'a.b', true)).toBeUndefined()
  })
})
