import { expect, test } from 'bun:test'
import { createRedact, stripUrlCredentials } from '../../src/config/redact.ts'

const redact = createRedact(['configured-secret-value', 'ab'])

test.each([
  ['a configured secret anywhere in the text', 'failed with configured-secret-value in it', 'failed with *** in it'],
  ['user:pass@ in a URL', 'GET https://me:pw@r.example/a', 'GET https://***@r.example/a'],
  ['an _authToken assignment', '//r.example/:_authToken=npm_abc123', '//r.example/:_authToken=***'],
  ['a Bearer header value', 'authorization: Bearer eyJhbGciOi.x-y', 'authorization: Bearer ***'],
  ['a Basic header value', 'Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic ***'],
  ['an npm access token', 'token npm_0123456789abcdefghijABCDEFGHIJ012345 leaked', 'token npm_*** leaked'],
  ['secrets shorter than four characters are not searched for', 'about ab', 'about ab'],
])('redact removes %s', (_name, text, expected) => {
  expect(redact(text)).toBe(expected)
})

test('stripUrlCredentials drops user:pass@ and keeps the rest of the URL', () => {
  expect(stripUrlCredentials('https://u:p@r.example:8080/a/-/a.tgz?x=1')).toBe('https://r.example:8080/a/-/a.tgz?x=1')
})
