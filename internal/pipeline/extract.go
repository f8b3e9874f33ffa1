package pipeline

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/ogireports/ogireports/internal/extract"
)

// ErrEmptyFile is returned by Extract for a document with no bytes; its text is the reason
// recorded in the store ("empty file").
var ErrEmptyFile = errors.New("empty file")

// ErrUnsupported is matched (errors.Is) by the error Extract returns for a media type that has
// no extractor. The error's text is "unsupported media type X".
var ErrUnsupported = errors.New("unsupported media type")

// UnsupportedError is the error for a media type with no extractor.
type UnsupportedError struct {
	// MediaType is the sniffed media type.
	MediaType string
}

// Error returns "unsupported media type X", the reason recorded in the store.
func (e *UnsupportedError) Error() string { return "unsupported media type " + e.MediaType }

// Is makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// ExtractFunc extracts one document of a registered media type.
type ExtractFunc func(data []byte) (*extract.Document, error)

var registry struct {
	sync.RWMutex
	m map[string]ExtractFunc
}

// RegisterExtractor makes Extract use fn for documents sniffed as mediaType (the extract.Media*
// constants). The format packages (extract/pdf, extract/docx, ...) call it, typically from an
// init function, and the binaries import them for that effect. A later registration for the
// same media type replaces the earlier one; HTML and plain text are built in and cannot be
// replaced. It is safe for concurrent use.
func RegisterExtractor(mediaType string, fn func(data []byte) (*extract.Document, error)) {
	registry.Lock()
	defer registry.Unlock()
	if registry.m == nil {
		registry.m = make(map[string]ExtractFunc)
	}
	registry.m[mediaType] = fn
}

// Registered returns the media types with an extractor (built in or registered), sorted.
func Registered() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := []string{extract.MediaHTML, extract.MediaText}
	for m := range registry.m {
		if m != extract.MediaHTML && m != extract.MediaText {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

func lookup(mediaType string) ExtractFunc {
	registry.RLock()
	defer registry.RUnlock()
	return registry.m[mediaType]
}

// Extract sniffs the media type of data (extract.Sniff with the file name or URL path name)
// and runs its extractor: extract.HTML (with contentType, the HTTP header, for the charset)
// and extract.Text for HTML and plain text, a registered extractor for the other types. It returns
// the document, the sniffed media type and, for an empty input, ErrEmptyFile; for a media type
// with no extractor, an *UnsupportedError. Other errors are the extractor's, wrapped.
func Extract(data []byte, name, contentType string) (*extract.Document, string, error) {
	if len(data) == 0 {
		return nil, "", ErrEmptyFile
	}
	media := extract.Sniff(data, name)
	var (
		doc *extract.Document
		err error
	)
	switch media {
	case extract.MediaHTML:
		doc, err = extract.HTML(data, contentType)
	case extract.MediaText:
		doc, err = extract.Text(data)
	default:
		fn := lookup(media)
		if fn == nil {
			return nil, media, &UnsupportedError{MediaType: media}
		}
		doc, err = fn(data)
	}
	if err != nil {
		return nil, media, fmt.Errorf("extract %s: %w", media, err)
	}
	if doc == nil {
		return nil, media, fmt.Errorf("extract %s: extractor returned no document", media)
	}
	if doc.MediaType == "" {
		doc.MediaType = media
	}
	return doc, media, nil
}
