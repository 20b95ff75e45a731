package account

import (
	"bytes"
	"testing"
	"time"
)

func TestCheckTOTP(t *testing.T) {
	secret, url, err := NewTOTP("a@example.org")
	if err != nil || secret == "" || url == "" {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	code, _ := TOTPCode(secret, now)
	step, err := CheckTOTP(secret, code[:3]+" "+code[3:], now, 0)
	if err != nil || step != now.Unix()/30 {
		t.Fatalf("a current code: step %d, %v", step, err)
	}
	if _, err := CheckTOTP(secret, code, now, step); err == nil {
		t.Fatal("a code accepted twice")
	}
	if _, err := CheckTOTP(secret, code, now.Add(30*time.Second), 0); err != nil {
		t.Fatal("a code typed as it changes refused")
	}
	if _, err := CheckTOTP(secret, code, now.Add(2*time.Minute), 0); err == nil {
		t.Fatal("a two-minute-old code accepted")
	}
	if _, err := CheckTOTP(secret, "12345", now, 0); err == nil {
		t.Fatal("a five-digit code accepted")
	}
	png, err := TOTPQRCode(TOTPURL("a@example.org", secret))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("QR code: %v", err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes()
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("recovery code %q", c)
		}
		seen[c] = true
		if !bytes.Equal(RecoveryCodeHash(c), RecoveryCodeHash(" "+c[:5]+c[6:]+" ")) {
			t.Fatal("a code typed without its dash hashes differently")
		}
	}
}

func TestSecretBox(t *testing.T) {
	box, err := NewSecretBox(bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed := box.Seal("JBSWY3DPEHPK3PXP", "user-1")
	if bytes.Contains(sealed, []byte("JBSWY3DPEHPK3PXP")) {
		t.Fatal("sealed in clear")
	}
	if got, err := box.Open(sealed, "user-1"); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open: %q, %v", got, err)
	}
	if _, err := box.Open(sealed, "user-2"); err == nil {
		t.Fatal("a secret sealed for one user opens for another")
	}
	other, _ := NewSecretBox(bytes.Repeat([]byte("x"), 32))
	if _, err := other.Open(sealed, "user-1"); err == nil {
		t.Fatal("a secret opens with another key")
	}
}
