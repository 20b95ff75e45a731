// Package migrations embeds aigrid's SQL migrations, applied in order by golang-migrate.
// Create a new pair with: make migrate-new NAME=verb_object
package migrations

import "embed"

// FS holds the NNNNNN_name.up.sql / .down.sql files.
//
//go:embed *.sql
var FS embed.FS
