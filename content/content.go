// Package content embeds aigrid's questionnaire: the CNIL self-assessment grid for AI systems as
// YAML files, in French and English. See docs/content-format.md.
package content

import "embed"

// FS holds questionnaire.yaml and the sheet-N.yaml files.
//
//go:embed *.yaml
var FS embed.FS
