package export

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"aigrid/internal/assessment"
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/internal/screening"
)

var pdfFormat = Format{Name: "pdf", Ext: "pdf", ContentType: "application/pdf", Label: "export.format.pdf", Write: writePDF}

// DejaVu Sans Condensed (Bitstream Vera licence, which allows embedding: fonts/LICENSE) covers
// every Latin letter, the French quotes and apostrophe, œ, and the no-break spaces.
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	fontBold []byte
)

// The page: A4, in millimetres.
const (
	pageW, pageH       = 210.0, 297.0
	marginX            = 18.0
	marginTop          = 22.0
	marginBottom       = 20.0
	contentW           = pageW - 2*marginX
	lineH              = 4.6
	tocPage            = 2
	nbAlias            = "{nb}"
	fontFamily         = "dejavu"
	bodySize, smallSiz = 9.5, 8.0
)

type rgb struct{ r, g, b int }

// The report's colours, those of the web pages.
var (
	colText   = rgb{0x1a, 0x1a, 0x1a}
	colMuted  = rgb{0x50, 0x5a, 0x5f}
	colAccent = rgb{0x1b, 0x3d, 0x6d}
	colPanel  = rgb{0xf3, 0xf2, 0xf1}
	colBorder = rgb{0xb1, 0xb4, 0xb6}
	colLink   = rgb{0x1d, 0x4f, 0x91}
	colError  = rgb{0xb0, 0x23, 0x1b}
	colWarn   = rgb{0x8a, 0x4b, 0x00}
)

// tocEntry is a line of the table of contents.
type tocEntry struct {
	title string
	level int
	link  int
	page  int
}

type pdfReport struct {
	f      *fpdf.Fpdf
	m      *Model
	l      i18n.Lang
	digest string
	toc    []tocEntry
}

// writePDF writes the report a DPO hands over: a cover, the table of contents, the summary (scores,
// levels, caps, radar chart, blocking gaps, "don't know" answers), every sheet and step with each
// question's answer, the recommendations in priority order and the action plan. Every page but the
// cover shows "page x / y" and the SHA-256 of the JSON export of the same data, so that two copies
// can be compared.
func writePDF(w io.Writer, m *Model, _ Options) error {
	h := sha256.New()
	if err := writeJSON(h, m, Options{}); err != nil {
		return err
	}
	r := &pdfReport{m: m, l: i18n.Lang(m.Lang), digest: hex.EncodeToString(h.Sum(nil))}
	f := fpdf.New("P", "mm", "A4", "")
	r.f = f
	f.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	f.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(true, marginBottom)
	f.AliasNbPages(nbAlias)
	f.SetTitle(r.T("export.pdf.title")+" — "+m.Assessment.SystemName, true)
	f.SetAuthor(m.Organisation, true)
	f.SetCreator("aigrid", true)
	f.SetProducer("aigrid", true)
	f.SetLang(string(m.Lang))
	f.SetCreationDate(m.GeneratedAt)
	f.SetModificationDate(m.GeneratedAt)
	f.SetHeaderFunc(r.header)
	f.SetFooterFunc(r.footer)

	r.cover()
	f.AddPage() // the table of contents, written last, once the page numbers are known
	r.summary()
	r.screening()
	r.answers()
	r.recommendations()
	r.actions()
	last := f.PageNo()
	r.contents()
	f.SetPage(last)
	if err := f.Error(); err != nil {
		return fmt.Errorf("export: pdf: %w", err)
	}
	return f.Output(w)
}

func (r *pdfReport) T(key string, args ...any) string { return i18n.T(r.l, key, args...) }

// text prepares user text for the page: in French, the space before : ; ! ? » and after « does
// not break. Other text is left as typed.
func (r *pdfReport) text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if r.m.Lang != questionnaire.FR || !strings.ContainsAny(s, ":;!?«»") {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i, c := range rs {
		if c == ' ' && ((i+1 < len(rs) && strings.ContainsRune(":;!?»", rs[i+1])) || (i > 0 && rs[i-1] == '«')) {
			c = '\u00a0'
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (r *pdfReport) color(c rgb) { r.f.SetTextColor(c.r, c.g, c.b) }
func (r *pdfReport) fill(c rgb)  { r.f.SetFillColor(c.r, c.g, c.b) }
func (r *pdfReport) draw(c rgb)  { r.f.SetDrawColor(c.r, c.g, c.b) }
func (r *pdfReport) font(style string, size float64) {
	r.f.SetFont(fontFamily, style, size)
}

func (r *pdfReport) date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func (r *pdfReport) dateTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// header repeats the system's name on every page after the table of contents.
func (r *pdfReport) header() {
	f := r.f
	if f.PageNo() <= 1 {
		return
	}
	r.font("", 7.5)
	r.color(colMuted)
	f.SetXY(marginX, 10)
	f.CellFormat(contentW/2, 4, r.m.Assessment.SystemName, "", 0, "L", false, 0, "")
	f.CellFormat(contentW/2, 4, r.T("export.pdf.title"), "", 1, "R", false, 0, "")
	r.draw(colBorder)
	f.SetLineWidth(0.2)
	f.Line(marginX, 15, pageW-marginX, 15)
	f.SetXY(marginX, marginTop)
	r.color(colText)
}

// footer shows the data's digest and "page x / y" on every page but the cover.
func (r *pdfReport) footer() {
	f := r.f
	if f.PageNo() <= 1 {
		return
	}
	r.draw(colBorder)
	f.SetLineWidth(0.2)
	f.Line(marginX, pageH-14, pageW-marginX, pageH-14)
	f.SetXY(marginX, pageH-12.5)
	r.font("", 6.5)
	r.color(colMuted)
	f.CellFormat(contentW-25, 4, r.T("export.pdf.digest", r.digest), "", 0, "L", false, 0, "")
	r.font("", 7.5)
	f.CellFormat(25, 4, r.T("export.pdf.page", f.PageNo(), nbAlias), "", 0, "R", false, 0, "")
	r.color(colText)
}

// section starts a part of the report on a new page, listed in the contents and the outline.
func (r *pdfReport) section(title string) {
	r.f.AddPage()
	r.heading(title, 0)
}

// heading writes a heading listed in the contents (level 0 or 1).
func (r *pdfReport) heading(title string, level int) {
	f := r.f
	size, space := 16.0, 9.0
	if level > 0 {
		size, space = 13.0, 7.0
	}
	r.keep(space + 20)
	link := f.AddLink()
	f.SetLink(link, f.GetY(), f.PageNo())
	f.Bookmark(title, level, -1)
	r.toc = append(r.toc, tocEntry{title: title, level: level, link: link, page: f.PageNo()})
	r.font("B", size)
	r.color(colAccent)
	f.MultiCell(contentW, space, r.text(title), "", "L", false)
	if level == 0 {
		r.draw(colAccent)
		f.SetLineWidth(0.6)
		f.Line(marginX, f.GetY()+0.5, marginX+30, f.GetY()+0.5)
	}
	f.Ln(4)
	r.color(colText)
}

// subheading writes a heading that is not in the contents.
func (r *pdfReport) subheading(s string) {
	r.keep(18)
	r.font("B", 11)
	r.color(colAccent)
	r.f.MultiCell(contentW, 6, r.text(s), "", "L", false)
	r.f.Ln(1.5)
	r.color(colText)
}

// keep starts a new page unless h millimetres are left on this one.
func (r *pdfReport) keep(h float64) {
	if r.f.GetY()+h > pageH-marginBottom {
		r.f.AddPage()
	}
}

// para writes wrapped text.
func (r *pdfReport) para(s string, style string, size float64, c rgb) {
	r.font(style, size)
	r.color(c)
	r.f.MultiCell(contentW-(r.f.GetX()-marginX), size*0.5, r.text(s), "", "L", false)
	r.color(colText)
}

// field writes "Label: value" with the label in bold, wrapped at indent.
func (r *pdfReport) field(indent float64, label, value string, c rgb) {
	f := r.f
	f.SetX(marginX + indent)
	r.font("B", smallSiz+0.5)
	r.color(colMuted)
	lw := 32.0
	f.CellFormat(lw, lineH, r.text(label), "", 0, "L", false, 0, "")
	r.font("", bodySize)
	r.color(c)
	f.MultiCell(contentW-indent-lw, lineH, r.text(value), "", "L", false)
	r.color(colText)
}

// cover is the first page: what was assessed, by whom, in which versions, and the overall result.
func (r *pdfReport) cover() {
	f, m := r.f, r.m
	f.AddPage()
	r.fill(colAccent)
	f.Rect(0, 0, pageW, 62, "F")
	f.SetXY(marginX, 20)
	r.font("", 11)
	f.SetTextColor(255, 255, 255)
	f.CellFormat(contentW, 6, "aigrid", "", 1, "L", false, 0, "")
	r.font("B", 20)
	f.SetX(marginX)
	f.MultiCell(contentW, 9, r.text(r.T("export.pdf.title")), "", "L", false)

	f.SetXY(marginX, 76)
	r.font("", 10)
	r.color(colMuted)
	f.CellFormat(contentW, 5, r.T("export.pdf.system"), "", 1, "L", false, 0, "")
	r.font("B", 22)
	r.color(colText)
	f.MultiCell(contentW, 10, r.text(m.Assessment.SystemName), "", "L", false)
	if d := strings.TrimSpace(m.Assessment.Description); d != "" {
		f.Ln(1)
		r.para(d, "", 10.5, colMuted)
	}
	f.Ln(8)

	a := m.Assessment
	rows := [][2]string{
		{r.T("export.pdf.organisation"), m.Organisation},
		{r.T("export.pdf.version"), fmt.Sprint(a.Version)},
		{r.T("export.pdf.status"), r.T("status." + string(a.Status))},
	}
	if m.Approval != nil {
		rows = append(rows, [2]string{r.T("export.pdf.approved_by"), m.Approval.By},
			[2]string{r.T("export.pdf.approved_at"), r.dateTime(m.Approval.At)})
	}
	rows = append(rows, [2]string{r.T("export.pdf.content_version"), m.ContentVersion},
		[2]string{r.T("export.pdf.model_version"), m.ModelVersion},
		[2]string{r.T("export.pdf.date"), r.dateTime(m.GeneratedAt)})
	r.draw(colBorder)
	f.SetLineWidth(0.2)
	for _, row := range rows {
		y := f.GetY()
		f.SetX(marginX)
		r.font("", 10)
		r.color(colMuted)
		f.CellFormat(60, 7.5, r.text(row[0]), "", 0, "L", false, 0, "")
		r.font("B", 10)
		r.color(colText)
		f.MultiCell(contentW-60, 7.5, r.text(row[1]), "", "L", false)
		f.Line(marginX, y, pageW-marginX, y)
	}
	f.Line(marginX, f.GetY(), pageW-marginX, f.GetY())

	// The overall result, in a panel.
	y := f.GetY() + 12
	r.fill(colPanel)
	f.Rect(marginX, y, contentW, 30, "F")
	r.fill(colAccent)
	f.Rect(marginX, y, 2, 30, "F")
	f.SetXY(marginX+8, y+8)
	r.font("B", 16)
	r.color(colAccent)
	f.CellFormat(contentW-16, 9, r.text(r.overallLine()), "", 1, "L", false, 0, "")
	if m.Overall.CapName != "" {
		f.SetX(marginX + 8)
		r.font("", 9.5)
		r.color(colError)
		f.CellFormat(contentW-16, 5, r.text(r.T("export.pdf.capped", m.Overall.CapName)), "", 1, "L", false, 0, "")
	}

	f.SetXY(marginX, pageH-38)
	r.para(r.T("export.pdf.disclaimer"), "", 8.5, colMuted)
	f.SetX(marginX)
	r.font("", 6.5)
	r.color(colMuted)
	f.MultiCell(contentW, 3.5, r.T("export.pdf.digest", r.digest), "", "L", false)
	r.color(colText)
}

func (r *pdfReport) overallLine() string {
	level := r.m.Overall.LevelName
	if level == "" {
		level = "–"
	}
	return r.T("export.pdf.overall", r.m.Overall.Text, level)
}

// contents writes the table of contents on its reserved page, with links and page numbers.
func (r *pdfReport) contents() {
	f := r.f
	f.SetPage(tocPage)
	f.SetAutoPageBreak(false, 0)
	f.SetXY(marginX, marginTop)
	r.font("B", 16)
	r.color(colAccent)
	f.CellFormat(contentW, 9, r.T("export.pdf.contents"), "", 1, "L", false, 0, "")
	r.draw(colAccent)
	f.SetLineWidth(0.6)
	f.Line(marginX, f.GetY()+0.5, marginX+30, f.GetY()+0.5)
	f.Ln(6)
	for _, e := range r.toc {
		indent, style, size, h := 0.0, "B", 10.5, 8.0
		if e.level > 0 {
			indent, style, size, h = 7, "", 9.5, 6.5
		}
		r.font(style, size)
		r.color(colText)
		y := f.GetY()
		num := fmt.Sprint(e.page)
		title := r.text(e.title)
		tw := contentW - indent - 14
		for f.GetStringWidth(title) > tw-4 && len(title) > 4 {
			rs := []rune(title)
			title = strings.TrimSpace(string(rs[:len(rs)-2])) + "…"
		}
		f.SetX(marginX + indent)
		f.CellFormat(f.GetStringWidth(title)+1, h, title, "", 0, "L", false, e.link, "")
		// Dotted leader to the page number.
		x0, x1 := f.GetX()+1, pageW-marginX-12
		r.fill(colBorder)
		for x := x0; x < x1; x += 1.6 {
			f.Circle(x, y+h*0.65, 0.18, "F")
		}
		f.SetXY(pageW-marginX-12, y)
		f.CellFormat(12, h, num, "", 1, "R", false, e.link, "")
	}
	f.SetAutoPageBreak(true, marginBottom)
}

// summary writes the scores, the radar chart, the profile, the blocking gaps and "don't know".
func (r *pdfReport) summary() {
	f, m := r.f, r.m
	r.section(r.T("export.pdf.summary"))
	r.font("B", 12)
	r.color(colAccent)
	f.MultiCell(contentW, 6, r.text(r.overallLine()), "", "L", false)
	if m.Overall.CapName != "" {
		r.para(r.T("export.pdf.capped", m.Overall.CapName), "", bodySize, colError)
	}
	f.Ln(4)

	// The sheets' scores, as a table.
	cols := []float64{contentW - 22 - 30 - 30, 22, 30, 30}
	head := []string{r.T("export.col.sheet"), r.T("export.col.score"), r.T("export.col.level"), r.T("export.col.cap")}
	r.fill(colAccent)
	f.SetTextColor(255, 255, 255)
	r.font("B", 8.5)
	for i, hd := range head {
		align := "L"
		if i == 1 {
			align = "R"
		}
		f.CellFormat(cols[i], 7, r.text(hd), "", 0, align, true, 0, "")
	}
	f.Ln(-1)
	r.draw(colBorder)
	f.SetLineWidth(0.2)
	for i, s := range m.Sheets {
		r.fill(colPanel)
		fillRow := i%2 == 1
		r.font("", 9)
		r.color(colText)
		title := s.ID + ". " + s.Title
		for f.GetStringWidth(title) > cols[0]-3 {
			rs := []rune(title)
			title = strings.TrimSpace(string(rs[:len(rs)-2])) + "…"
		}
		f.CellFormat(cols[0], 7, r.text(title), "", 0, "L", fillRow, 0, "")
		r.font("B", 9)
		f.CellFormat(cols[1], 7, s.Score.Text, "", 0, "R", fillRow, 0, "")
		r.font("", 9)
		f.CellFormat(cols[2], 7, "  "+orDash(s.Score.LevelName), "", 0, "L", fillRow, 0, "")
		if s.Score.CapName != "" {
			r.color(colError)
		}
		f.CellFormat(cols[3], 7, orDash(s.Score.CapName), "", 1, "L", fillRow, 0, "")
	}
	r.font("B", 9)
	r.color(colText)
	f.Line(marginX, f.GetY(), pageW-marginX, f.GetY())
	f.CellFormat(cols[0], 7, r.T("export.overall"), "", 0, "L", false, 0, "")
	f.CellFormat(cols[1], 7, m.Overall.Text, "", 0, "R", false, 0, "")
	r.font("", 9)
	f.CellFormat(cols[2], 7, "  "+orDash(m.Overall.LevelName), "", 0, "L", false, 0, "")
	f.CellFormat(cols[3], 7, orDash(m.Overall.CapName), "", 1, "L", false, 0, "")
	f.Ln(6)

	r.subheading(r.T("export.pdf.radar"))
	r.keep(105)
	r.radar(pageW/2, f.GetY()+50, 40)
	f.SetY(f.GetY() + 104)

	if len(m.Profile) > 0 {
		r.subheading(r.T("export.pdf.profile"))
		for _, p := range m.Profile {
			r.keep(10)
			f.SetX(marginX)
			r.font("", 8.5)
			r.color(colMuted)
			f.MultiCell(contentW, 4, r.text(p.Question), "", "L", false)
			f.SetX(marginX + 4)
			r.font("B", 9)
			r.color(colText)
			f.MultiCell(contentW-4, 4.6, r.text(p.Answer), "", "L", false)
			f.Ln(1.2)
		}
	}

	r.heading(r.T("export.pdf.blocking"), 1)
	r.para(r.T("export.pdf.blocking_hint"), "", bodySize, colMuted)
	f.Ln(2)
	r.questionList(m.Blocking, true)
	f.Ln(3)
	r.heading(r.T("export.pdf.dont_know"), 1)
	r.questionList(m.DontKnow, false)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// questionList lists gaps or "don't know" answers: id, question, sheet, answer (and the cap).
func (r *pdfReport) questionList(qs []*Question, caps bool) {
	f := r.f
	if len(qs) == 0 {
		r.para(r.T("export.pdf.none"), "", bodySize, colText)
		return
	}
	for _, q := range qs {
		r.keep(14)
		f.SetX(marginX)
		r.font("B", 8.5)
		r.color(colAccent)
		f.CellFormat(16, 4.6, q.ID, "", 0, "L", false, 0, "")
		r.font("", 9)
		r.color(colText)
		f.MultiCell(contentW-16, 4.6, r.text(q.Text), "", "L", false)
		f.SetX(marginX + 16)
		r.font("", 8.5)
		r.color(colMuted)
		line := r.T("export.col.answer") + " : " + q.Answer
		if r.m.Lang != questionnaire.FR {
			line = r.T("export.col.answer") + ": " + q.Answer
		}
		if caps && q.CapName != "" {
			line += " · " + r.T("export.pdf.capped", q.CapName)
		}
		f.MultiCell(contentW-16, 4.2, r.text(line), "", "L", false)
		f.Ln(1.8)
	}
	r.color(colText)
}

// radar draws the sheets' scores as a polygon over the level rings, in vectors.
func (r *pdfReport) radar(cx, cy, radius float64) {
	f, m := r.f, r.m
	n := len(m.Sheets)
	if n < 3 {
		return
	}
	pt := func(i int, v float64) fpdf.PointType {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		return fpdf.PointType{X: cx + radius*v/100*math.Cos(a), Y: cy + radius*v/100*math.Sin(a)}
	}
	f.SetLineWidth(0.2)
	r.draw(colBorder)
	rings := []float64{}
	for _, li := range scoring.Levels() {
		if li.Min > 0 {
			rings = append(rings, float64(li.Min))
		}
	}
	rings = append(rings, 100)
	for _, v := range rings {
		var ps []fpdf.PointType
		for i := range n {
			ps = append(ps, pt(i, v))
		}
		f.Polygon(ps, "D")
		r.font("", 6)
		r.color(colMuted)
		f.Text(cx+1, cy-radius*v/100+2.2, fmt.Sprint(v))
	}
	for i := range n {
		p := pt(i, 100)
		f.Line(cx, cy, p.X, p.Y)
	}
	var ps []fpdf.PointType
	for i, s := range m.Sheets {
		v := 0.0
		if s.Score.HasScore {
			v = math.Max(0, math.Min(100, s.Score.Score))
		}
		ps = append(ps, pt(i, v))
	}
	r.fill(colAccent)
	r.draw(colAccent)
	f.SetAlpha(0.22, "Normal")
	f.Polygon(ps, "F")
	f.SetAlpha(1, "Normal")
	f.SetLineWidth(0.6)
	f.Polygon(ps, "D")
	for _, p := range ps {
		f.Circle(p.X, p.Y, 0.9, "F")
	}
	// Labels: the sheet's number and score, outside the outer ring.
	for i, s := range m.Sheets {
		p := pt(i, 118)
		label := r.T("export.col.sheet") + " " + s.ID
		r.font("B", 8)
		r.color(colText)
		w := f.GetStringWidth(label)
		x := p.X - w/2
		if p.X > cx+2 {
			x = p.X - 3
		} else if p.X < cx-2 {
			x = p.X - w + 3
		}
		f.Text(x, p.Y, label)
		r.font("", 8)
		r.color(colAccent)
		f.Text(x, p.Y+3.6, s.Score.Text)
	}
	r.color(colText)
	f.SetLineWidth(0.2)
}

// answers writes every sheet and step with each question that applies or was answered.
func (r *pdfReport) answers() {
	f, m := r.f, r.m
	for i, s := range m.Sheets {
		if i == 0 {
			r.section(r.T("export.pdf.answers"))
		} else {
			f.AddPage()
		}
		r.heading(s.ID+". "+s.Title, 1)
		r.font("", 9)
		r.color(colMuted)
		line := r.T("export.col.score") + " : " + s.Score.Text + " · " + r.T("export.col.level") + " : " + orDash(s.Score.LevelName)
		if s.Score.CapName != "" {
			line += " · " + r.T("export.pdf.capped", s.Score.CapName)
		}
		if m.Lang != questionnaire.FR {
			line = strings.ReplaceAll(line, " : ", ": ")
		}
		f.MultiCell(contentW, 5, r.text(line), "", "L", false)
		f.Ln(3)
		if len(s.Steps) == 0 {
			r.para(r.T("export.pdf.none"), "", bodySize, colText)
		}
		for _, st := range s.Steps {
			r.subheading(st.Title)
			for _, q := range st.Questions {
				r.question(q)
			}
			f.Ln(2)
		}
	}
}

// question writes one question and its answer.
func (r *pdfReport) question(q *Question) {
	f := r.f
	r.keep(16)
	f.SetX(marginX)
	r.font("B", 8.5)
	r.color(colAccent)
	f.CellFormat(15, lineH, q.ID, "", 0, "L", false, 0, "")
	r.font("B", bodySize)
	r.color(colText)
	f.MultiCell(contentW-15, lineH, r.text(q.Text), "", "L", false)
	f.Ln(0.6)
	indent := 15.0
	answer, c := q.Answer, colText
	switch {
	case answer == "":
		answer, c = r.T("export.pdf.not_answered"), colMuted
	case q.Blocking:
		c = colError
	case q.DontKnow:
		c = colWarn
	}
	if !q.Applies {
		answer += " (" + r.T("export.col.applies") + " : " + r.T("export.no") + ")"
		if r.m.Lang != questionnaire.FR {
			answer = strings.Replace(answer, " : ", ": ", 1)
		}
	}
	r.field(indent, r.T("export.col.answer"), answer, c)
	if q.Blocking && q.CapName != "" {
		r.field(indent, "", r.T("export.pdf.capped", q.CapName), colError)
	}
	if q.Justification != "" {
		r.field(indent, r.T("export.pdf.justification"), q.Justification, colText)
	}
	if q.Comment != "" {
		r.field(indent, r.T("export.pdf.comment"), q.Comment, colText)
	}
	if len(q.Evidence) > 0 {
		r.evidence(indent, q.Evidence)
	}
	f.Ln(1.2)
	r.draw(rgb{0xdd, 0xdd, 0xdd})
	f.SetLineWidth(0.15)
	f.Line(marginX+indent, f.GetY(), pageW-marginX, f.GetY())
	f.Ln(2.2)
}

// evidence lists the evidence of an answer, links clickable.
func (r *pdfReport) evidence(indent float64, ev []assessment.Evidence) {
	f := r.f
	lw := 32.0
	for i, e := range ev {
		label := ""
		if i == 0 {
			label = r.T("export.pdf.evidence")
		}
		f.SetX(marginX + indent)
		r.font("B", smallSiz+0.5)
		r.color(colMuted)
		f.CellFormat(lw, lineH, r.text(label), "", 0, "L", false, 0, "")
		left := marginX + indent + lw
		f.SetLeftMargin(left)
		r.font("", bodySize)
		r.color(colText)
		title := strings.TrimSpace(e.Title)
		if title != "" {
			f.Write(lineH, r.text(title))
			if e.Link != "" {
				f.Write(lineH, " — ")
			}
		}
		if assessment.IsURL(e.Link) {
			r.color(colLink)
			f.SetFont(fontFamily, "U", bodySize)
			f.WriteLinkString(lineH, e.Link, e.Link)
		} else if e.Link != "" {
			f.Write(lineH, r.text(e.Link))
		}
		f.SetLeftMargin(marginX)
		f.Ln(lineH)
	}
	r.color(colText)
}

// recommendations lists the gaps to close, most urgent first.
func (r *pdfReport) recommendations() {
	f, m := r.f, r.m
	r.section(r.T("export.pdf.recommendations"))
	if len(m.Recommendations) == 0 {
		r.para(r.T("export.pdf.none"), "", bodySize, colText)
	}
	for _, x := range m.Recommendations {
		r.keep(22)
		f.SetX(marginX)
		r.font("B", 10)
		r.color(colAccent)
		f.CellFormat(10, 5.2, fmt.Sprint(x.Rank, "."), "", 0, "L", false, 0, "")
		r.color(colText)
		f.MultiCell(contentW-10, 5.2, r.text(x.Text), "", "L", false)
		f.SetX(marginX + 10)
		r.font("", 8.5)
		meta := []string{x.Priority, x.Importance, x.QuestionID}
		if x.Points > 0 {
			meta = append(meta, r.T("export.pdf.gain", formatScore(m.Lang, x.Points)))
		}
		r.color(colMuted)
		if x.Blocking {
			r.color(colError)
		}
		f.MultiCell(contentW-10, 4.2, r.text(strings.Join(meta, " · ")), "", "L", false)
		r.font("", 8.5)
		r.color(colMuted)
		f.SetX(marginX + 10)
		f.MultiCell(contentW-10, 4.2, r.text(x.Question), "", "L", false)
		r.color(colText)
		r.font("", bodySize)
		for _, s := range x.Steps {
			f.SetX(marginX + 12)
			f.CellFormat(4, lineH, "•", "", 0, "L", false, 0, "")
			f.MultiCell(contentW-16, lineH, r.text(s), "", "L", false)
		}
		f.Ln(3)
	}
}

// actions writes the action plan as a table.
func (r *pdfReport) actions() {
	f, m := r.f, r.m
	r.section(r.T("export.pdf.actions"))
	if len(m.Actions) == 0 {
		r.para(r.T("export.pdf.none"), "", bodySize, colText)
		return
	}
	cols := []float64{contentW - 21 - 32 - 22 - 24, 21, 32, 22, 24}
	head := []string{r.T("export.col.action"), r.T("export.col.id"), r.T("export.col.owner"), r.T("export.col.due"), r.T("export.col.status")}
	drawHead := func() {
		r.fill(colAccent)
		f.SetTextColor(255, 255, 255)
		r.font("B", 8)
		for i, hd := range head {
			f.CellFormat(cols[i], 7, r.text(hd), "", 0, "L", true, 0, "")
		}
		f.Ln(-1)
	}
	drawHead()
	r.draw(colBorder)
	f.SetLineWidth(0.2)
	for _, x := range m.Actions {
		r.font("", 8.5)
		cells := []string{x.QuestionID, x.Owner, "–", x.Status}
		if x.DueOn != nil {
			cells[2] = r.date(*x.DueOn)
		}
		n := len(f.SplitText(r.text(x.Title), cols[0]-2))
		if x.Reason != "" {
			n += len(f.SplitText(r.text(x.Reason), cols[0]-2))
		}
		for i, c := range cells {
			n = max(n, len(f.SplitText(r.text(c), cols[i+1])))
		}
		if x.Overdue {
			n = max(n, 2)
		}
		h := float64(n)*4.2 + 3
		if f.GetY()+h > pageH-marginBottom {
			f.AddPage()
			drawHead()
		}
		y := f.GetY()
		f.SetXY(marginX+1, y+1.5)
		r.color(colText)
		f.MultiCell(cols[0]-2, 4.2, r.text(x.Title), "", "L", false)
		if x.Reason != "" {
			f.SetX(marginX + 1)
			r.color(colMuted)
			f.MultiCell(cols[0]-2, 4.2, r.text(x.Reason), "", "L", false)
		}
		x0 := marginX + cols[0]
		for i, c := range cells {
			f.SetXY(x0, y+1.5)
			r.color(colText)
			if i == 2 && x.Overdue {
				r.color(colError)
				r.font("B", 8.5)
			}
			f.MultiCell(cols[i+1], 4.2, r.text(c), "", "L", false)
			r.font("", 8.5)
			x0 += cols[i+1]
		}
		if x.Overdue {
			f.SetXY(marginX+cols[0]+cols[1]+cols[2], y+1.5+4.2)
			r.font("", 7.5)
			r.color(colError)
			f.CellFormat(cols[3], 4, r.T("export.col.overdue"), "", 0, "L", false, 0, "")
		}
		f.SetY(y + h)
		f.Line(marginX, f.GetY(), pageW-marginX, f.GetY())
	}
	r.color(colText)
}

// screening writes the DPIA and AI Act screening: outcomes, reasons and the obligations of the
// role with their dates and what the answers show (the screening page's content, in short).
func (r *pdfReport) screening() {
	sc := r.m.src.Screening
	if sc == nil {
		return
	}
	f := r.f
	lang := r.m.Lang
	r.section(r.T("screening.title"))
	r.para(r.T("screening.guidance"), "", bodySize, colMuted)
	f.Ln(1)
	r.para(r.T("screening.on", r.date(sc.On)), "", smallSiz+0.5, colMuted)
	f.Ln(3)

	r.heading(r.T("screening.dpia.title"), 1)
	r.para(r.T(sc.DPIA.Outcome.Key()), "B", 11, colAccent)
	f.Ln(1)
	for _, reason := range sc.DPIA.Reasons {
		r.keep(8)
		f.SetX(marginX + 3)
		r.para("• "+reason.In(lang), "", bodySize, colText)
	}
	r.para(i18n.N(r.l, "screening.dpia.criteria_n", sc.DPIA.Met), "", bodySize, colText)
	if len(sc.DPIA.References) > 0 {
		r.para(r.T("screening.refs", strings.Join(sc.DPIA.References, ", ")), "", smallSiz+0.5, colMuted)
	}
	f.Ln(3)

	r.heading(r.T("screening.aiact.title"), 1)
	r.para(r.T(screening.HeadlineKey(sc.AIAct.Headline)), "B", 11, colAccent)
	f.Ln(2)
	r.subheading(r.T("screening.aiact.obligations"))
	if len(sc.AIAct.Obligations) == 0 {
		r.para(r.T("screening.aiact.no_obligations"), "", bodySize, colMuted)
	}
	for _, o := range sc.AIAct.Obligations {
		r.keep(18)
		f.SetX(marginX)
		r.para(o.Reference+" — "+o.Title.In(lang), "B", bodySize, colText)
		when := r.T("screening.obligation.from", r.date(o.From))
		if o.Applies {
			when = r.T("screening.obligation.since", r.date(o.From))
		}
		if o.Amended {
			when += " (" + r.T("screening.obligation.amended") + ")"
		}
		r.field(4, r.T("screening.obligation.when"), when, colText)
		c := colText
		if o.Evidence == screening.Gap {
			c = colError
		}
		r.field(4, r.T("screening.obligation.evidence"), r.T(o.Evidence.Key()), c)
		f.Ln(1.5)
	}
}
