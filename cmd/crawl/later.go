package main

import (
	"fmt"
	"os"
)

// runStatus shows what the database holds. Stub until `crawl status` is written.
func runStatus(args []string) int {
	fmt.Fprintln(os.Stderr, "crawl status: not implemented yet")
	return exitUsage
}

// runReextract re-runs extraction for documents whose extractor version is older than the
// current one. Stub until `crawl reextract` is written.
func runReextract(args []string) int {
	fmt.Fprintln(os.Stderr, "crawl reextract: not implemented yet")
	return exitUsage
}
