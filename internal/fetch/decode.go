package fetch

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Decode returns body as UTF-8 text. The charset comes from the HTTP Content-Type header
// first, then a <meta> charset or http-equiv in the first 1024 bytes, then a sniff: valid
// UTF-8 stays, anything else is read as GB18030 (the superset of GB2312 and GBK that older
// government templates use). It returns the encoding name used.
func Decode(body []byte, contentType string) (string, string) {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if !certain && name == "windows-1252" {
		if utf8.Valid(body) {
			return string(body), "utf-8"
		}
		enc, name = simplifiedchinese.GB18030, "gb18030"
	}
	if name == "utf-8" {
		if utf8.Valid(body) {
			return string(body), name
		}
		return string(bytes.ToValidUTF8(body, []byte("\uFFFD"))), name
	}
	if name == "gbk" || name == "gb2312" {
		enc, name = simplifiedchinese.GB18030, "gb18030"
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return string(bytes.ToValidUTF8(body, []byte("\uFFFD"))), "utf-8"
	}
	return string(out), name
}

// challengeMarkers are words of captcha and WAF interstitial pages (创宇盾/云防御, 云锁,
// 安全狗, JS challenges such as ccgp.gov.cn's /_bot_sbu/).
var challengeMarkers = []string{
	"_bot_sbu", "yunsuo_session_verify", "创宇盾", "知道创宇云防御", "安全狗", "safedog",
	"人机验证", "滑动验证", "请完成安全验证", "访问被拦截", "您的访问被阻断", "拦截了您的访问",
	"captcha", "cf-challenge", "waf_block",
}

// Challenge reports why a small HTML answer looks like a captcha or WAF page, or "" when it
// does not. Large pages are real content (a report page may mention 验证 in its text).
func Challenge(contentType string, body []byte) string {
	if len(body) == 0 || len(body) > 32<<10 {
		return ""
	}
	ct := strings.ToLower(contentType)
	if ct != "" && !strings.Contains(ct, "html") {
		return ""
	}
	text, _ := Decode(body, contentType)
	low := strings.ToLower(text)
	for _, m := range challengeMarkers {
		if strings.Contains(low, strings.ToLower(m)) {
			return "challenge page (" + m + ")"
		}
	}
	return ""
}
