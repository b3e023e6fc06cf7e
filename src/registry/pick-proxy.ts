/**
 * The proxy for one request, by @npmcli/agent's rules: `https-proxy`, else `proxy` (for
 * both http and https URLs); when neither is set, $https_proxy for https URLs and
 * $https_proxy / $http_proxy / $proxy for http URLs. A host whose trailing labels equal
 * a `noproxy` entry's goes direct. `false` means connect directly (Bun's `proxy: false`,
 * which also stops Bun from reading the proxy variables on its own).
 */
import type { Config } from '../config/index.ts'

type ProxyConfig = Pick<Config, 'proxy' | 'httpsProxy' | 'proxyEnv' | 'noproxy'>

export function pickProxy(url: string, config: ProxyConfig): string | false {
  const configured = config.httpsProxy ?? (config.proxy || null)
  // no proxy anywhere (the common case): no URL to parse, for each of thousands of tarballs
  if (configured === null && !config.proxyEnv.httpsProxy && !config.proxyEnv.httpProxy) return false
  const target = new URL(url)
  const proxy = configured
    ?? (target.protocol === 'https:' ? config.proxyEnv.httpsProxy : config.proxyEnv.httpsProxy ?? config.proxyEnv.httpProxy)
  if (!proxy || isNoProxy(target.hostname, config.noproxy)) return false
  return proxy
}

function isNoProxy(hostname: string, noproxy: readonly string[]): boolean {
  const hostLabels = hostname.split('.').reverse()
  return noproxy.some((entry) => {
    const labels = entry.split('.').filter((label) => label !== '').reverse()
    return labels.length > 0 && labels.every((label, index) => hostLabels[index] === label)
  })
}
