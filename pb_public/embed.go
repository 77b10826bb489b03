// Package pb_public is the storefront (plain HTML/CSS/JS, no build step),
// embedded in the binary so that a built vipbase serves it at / without a
// pb_public/ directory next to it. `serve --publicDir <dir>` serves a
// directory on disk instead.
package pb_public

import (
	"embed"
	"io/fs"
	"strings"
)

// Every file of this directory (and its subdirectories, except names
// starting with . or _) is embedded; Go sources are kept out of FS below.
//
//go:embed *
var files embed.FS

// FS is the storefront, rooted at its directory: index.html is at "index.html".
var FS fs.FS = storefront{files}

// storefront hides this package's Go sources from the files it serves.
type storefront struct{ fs embed.FS }

func (s storefront) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, ".go") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return s.fs.Open(name)
}
