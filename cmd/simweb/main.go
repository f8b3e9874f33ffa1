// Command simweb runs the simulated government web by hand: it prints the proxy URL to use
// (curl -x, or an http.Transport Proxy) and optionally writes the sites.csv registry.
//
//	simweb --sites 12 --seed 1 --listen 127.0.0.1:8089 --sites-csv out.csv
//
// With --attachments (the default) reports are served as real documents: DOCX written in Go,
// PDF and DOC through LibreOffice when it is installed, and the tables of reports published as
// pictures drawn by reportgen (PNG or JPEG) when a CJK font is installed (Debian package
// fonts-wqy-microhei, or OGIREPORTS_CJK_FONT); what cannot be rendered is a placeholder.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/simweb"
)

func main() {
	if err := run(); err != nil {
		slog.Error("simweb", "err", err)
		os.Exit(1)
	}
}

func run() error {
	sites := flag.Int("sites", 12, "number of sites")
	seed := flag.Int64("seed", 1, "seed (same seed, same web)")
	listen := flag.String("listen", "127.0.0.1:0", "listen address")
	csvPath := flag.String("sites-csv", "", "write the sites registry (code,name,url,level,parent_code) here")
	delay := flag.Duration("crawl-delay-unit", time.Second, "one unit of robots.txt Crawl-delay")
	noFaults := flag.Bool("no-faults", false, "disable failure injection")
	attach := flag.Bool("attachments", true, "serve real attachments (DOCX written in Go, PDF and DOC through LibreOffice when installed, else a placeholder PDF) and real table pictures (when a CJK font is installed, else a placeholder PNG)")
	flag.Parse()

	cfg := simweb.Config{Seed: *seed, Sites: *sites, CrawlDelayUnit: *delay}
	if *noFaults {
		cfg.Faults = &simweb.Faults{}
	}
	if *attach {
		cfg.Attachments = attachments()
		cfg.TableImages = tableImages()
	}
	web := simweb.New(cfg)
	if *csvPath != "" {
		f, err := os.Create(*csvPath)
		if err != nil {
			return fmt.Errorf("create %s: %w", *csvPath, err)
		}
		if err := web.WriteSitesCSV(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("close %s: %w", *csvPath, err)
		}
	}
	proxy, err := web.Listen(*listen)
	if err != nil {
		return err
	}
	fmt.Println(proxy)
	for _, s := range web.Sites() {
		fmt.Printf("%s\t%s\t%s\t%s\t%s\n", s.Code, s.Style, s.RootURL, s.ReportColumnURL, s.Name)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return web.Close()
}

// attachments returns a simweb.Config.Attachments hook that renders each report attachment
// once: DOCX by reportgen's Go writer, PDF and DOC through LibreOffice when it is installed
// (nil otherwise, so the simulated web serves its placeholder PDF).
func attachments() func(v reportgen.Variant, kind string) []byte {
	var cache sync.Map // variant id + kind → []byte
	return func(v reportgen.Variant, kind string) []byte {
		key := v.ID + "." + kind
		if b, ok := cache.Load(key); ok {
			return b.([]byte)
		}
		var (
			b   []byte
			err error
		)
		switch kind {
		case "docx":
			b, err = v.DOCX()
		case "pdf", "doc":
			b, err = v.ViaLibreOffice(kind)
		default:
			return nil
		}
		if err != nil {
			if !errors.Is(err, reportgen.ErrToolMissing) {
				slog.Warn("simweb: attachment not rendered", "variant", v.ID, "kind", kind, "err", err)
			}
			return nil
		}
		cache.Store(key, b)
		return b
	}
}

// tableImages returns a simweb.Config.TableImages hook that draws the table pictures of each
// report once (reportgen.Variant.TableImages) and caches them by variant id. Without a CJK font
// it returns nil (the simulated web serves its placeholder PNG) and says so once in the log.
func tableImages() func(v reportgen.Variant) []reportgen.TableImage {
	var (
		cache sync.Map // variant id → []reportgen.TableImage
		warn  sync.Once
	)
	return func(v reportgen.Variant) []reportgen.TableImage {
		if p, ok := cache.Load(v.ID); ok {
			return p.([]reportgen.TableImage)
		}
		pics, err := v.TableImages()
		if err != nil {
			if errors.Is(err, reportgen.ErrToolMissing) {
				warn.Do(func() { slog.Warn("simweb: table pictures are placeholders", "err", err) })
			} else {
				slog.Warn("simweb: table pictures not drawn", "variant", v.ID, "err", err)
			}
			return nil
		}
		cache.Store(v.ID, pics)
		return pics
	}
}
