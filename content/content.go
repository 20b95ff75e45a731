// Package content embeds aigrid's questionnaire: the CNIL self-assessment grid for AI systems as
// YAML files, in French and English, one directory per version (2026.1/, 2026.2/…), all loaded side
// by side. See docs/content-format.md.
package content

import "embed"

// FS holds one directory per questionnaire version, each with its questionnaire.yaml and
// sheet-N.yaml files. Load it with questionnaire.LoadCatalog.
//
//go:embed [0-9]*/*.yaml
var FS embed.FS
