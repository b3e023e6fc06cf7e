import { describe, expect, test } from 'bun:test'
import { authHeaders, matchAuth } from '../../src/config/auth.ts'

const b64 = (text: string) => Buffer.from(text).toString('base64')

function headersFor(npmrc: Record<string, string>, url: string, registry = 'https://registry.npmjs.org/') {
  const values = new Map(Object.entries(npmrc))
  return authHeaders(matchAuth(url, registry, values), values)
}

describe('credentials go with the request URL by npm walk-up rules', () => {
  const cases: Array<[string, Record<string, string>, string, Record<string, string>, string?]> = [
    ['a host token applies to every path on the host',
      { '//r.example/:_authToken': 'T' }, 'https://r.example/a/-/a-1.0.0.tgz', { authorization: 'Bearer T' }],
    ['the longest configured path prefix wins',
      { '//r.example/:_authToken': 'HOST', '//r.example/npm/private/:_authToken': 'DEEP' },
      'https://r.example/npm/private/a', { authorization: 'Bearer DEEP' }],
    ['a path token does not apply to a sibling path',
      { '//r.example/npm/private/:_authToken': 'DEEP' }, 'https://r.example/npm/public/a', {}, 'https://r.example/npm/public/'],
    ['a key without trailing slash matches too',
      { '//r.example/npm:_authToken': 'NOSLASH' }, 'https://r.example/npm/a', { authorization: 'Bearer NOSLASH' }],
    ['the scheme is ignored',
      { '//r.example/:_authToken': 'T' }, 'http://r.example/a', { authorization: 'Bearer T' }],
    ['the port is significant',
      { '//r.example:8443/:_authToken': 'PORT' }, 'https://r.example/a', {}],
    ['a configured port matches that port only',
      { '//r.example:8443/:_authToken': 'PORT' }, 'https://r.example:8443/a', { authorization: 'Bearer PORT' }],
    ['another host gets nothing',
      { '//r.example/:_authToken': 'T' }, 'https://cdn.example/a.tgz', {}],
    ['_auth is sent as Basic verbatim',
      { '//r.example/:_auth': 'dXNlcjpwYXNz' }, 'https://r.example/a', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['username with base64 _password is Basic user:password',
      { '//r.example/:username': 'me', '//r.example/:_password': b64('s3cret') }, 'https://r.example/a',
      { authorization: `Basic ${b64('me:s3cret')}` }],
    ['username without _password is no credential',
      { '//r.example/:username': 'me' }, 'https://r.example/a', {}],
    ['_authToken wins over _auth at the same prefix',
      { '//r.example/:_auth': 'BASIC', '//r.example/:_authToken': 'T' }, 'https://r.example/a', { authorization: 'Bearer T' }],
    ['an empty token is no credential',
      { '//r.example/:_authToken': '' }, 'https://r.example/a', {}],
  ]
  for (const [name, npmrc, url, expected, registry] of cases) {
    test(name, () => expect(headersFor(npmrc, url, registry ?? 'https://r.example/')).toEqual(expected))
  }

  test('a tarball on the registry host but outside its path gets the registry credentials', () => {
    const npmrc = { '//r.example/npm/repo/:_authToken': 'REPO' }
    expect(headersFor(npmrc, 'https://r.example/files/a.tgz', 'https://r.example/npm/repo/')).toEqual({
      authorization: 'Bearer REPO',
    })
  })

  test('the same-host fallback needs the same port', () => {
    const npmrc = { '//r.example/npm/repo/:_authToken': 'REPO' }
    expect(headersFor(npmrc, 'https://r.example:9999/files/a.tgz', 'https://r.example/npm/repo/')).toEqual({})
  })
})
