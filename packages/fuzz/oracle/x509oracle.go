// Command x509oracle is the differential oracle of the certificate fuzz
// target (issue 12): it parses certificates with Go's standard library only
// (crypto/x509, encoding/asn1), the parser notation-go relies on.
//
// Protocol: one base64 DER certificate per line on stdin; one JSON object per
// line on stdout, in order: {"ok":false,"error":"…"} or the parsed fields.
package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"runtime"
	"sort"
	"time"
)

type result struct {
	OK                    bool     `json:"ok"`
	Error                 string   `json:"error,omitempty"`
	GoVersion             string   `json:"goVersion,omitempty"`
	Version               int      `json:"version,omitempty"`
	Subject               string   `json:"subject"`
	Issuer                string   `json:"issuer"`
	Serial                string   `json:"serial,omitempty"`
	NotBefore             string   `json:"notBefore,omitempty"`
	NotAfter              string   `json:"notAfter,omitempty"`
	IsCA                  bool     `json:"isCA"`
	BasicConstraintsValid bool     `json:"basicConstraintsValid"`
	MaxPathLen            int      `json:"maxPathLen"`
	KeyUsage              []string `json:"keyUsage"`
	ExtKeyUsage           []string `json:"extKeyUsage"`
	SPKI                  string   `json:"spki,omitempty"`
	SignatureAlgorithm    string   `json:"signatureAlgorithm,omitempty"`
}

// Bit order of RFC 5280 §4.2.1.3, as x509.KeyUsage numbers them.
var keyUsageNames = []string{
	"digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
	"keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
}

// OIDs of the x509.ExtKeyUsage values (x509.go extKeyUsageOIDs).
var extKeyUsageOIDs = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:                            "2.5.29.37.0",
	x509.ExtKeyUsageServerAuth:                     "1.3.6.1.5.5.7.3.1",
	x509.ExtKeyUsageClientAuth:                     "1.3.6.1.5.5.7.3.2",
	x509.ExtKeyUsageCodeSigning:                    "1.3.6.1.5.5.7.3.3",
	x509.ExtKeyUsageEmailProtection:                "1.3.6.1.5.5.7.3.4",
	x509.ExtKeyUsageIPSECEndSystem:                 "1.3.6.1.5.5.7.3.5",
	x509.ExtKeyUsageIPSECTunnel:                    "1.3.6.1.5.5.7.3.6",
	x509.ExtKeyUsageIPSECUser:                      "1.3.6.1.5.5.7.3.7",
	x509.ExtKeyUsageTimeStamping:                   "1.3.6.1.5.5.7.3.8",
	x509.ExtKeyUsageOCSPSigning:                    "1.3.6.1.5.5.7.3.9",
	x509.ExtKeyUsageMicrosoftServerGatedCrypto:     "1.3.6.1.4.1.311.10.3.3",
	x509.ExtKeyUsageNetscapeServerGatedCrypto:      "2.16.840.1.113730.4.1",
	x509.ExtKeyUsageMicrosoftCommercialCodeSigning: "1.3.6.1.4.1.311.2.1.22",
	x509.ExtKeyUsageMicrosoftKernelCodeSigning:     "1.3.6.1.4.1.311.61.1.1",
}

func parse(der []byte) result {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return result{OK: false, Error: err.Error()}
	}
	r := result{
		OK:                    true,
		Version:               cert.Version,
		Subject:               cert.Subject.String(),
		Issuer:                cert.Issuer.String(),
		Serial:                cert.SerialNumber.Text(16),
		NotBefore:             cert.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:              cert.NotAfter.UTC().Format(time.RFC3339),
		IsCA:                  cert.IsCA,
		BasicConstraintsValid: cert.BasicConstraintsValid,
		MaxPathLen:            cert.MaxPathLen,
		KeyUsage:              []string{},
		ExtKeyUsage:           []string{},
		SignatureAlgorithm:    cert.SignatureAlgorithm.String(),
	}
	for bit, name := range keyUsageNames {
		if cert.KeyUsage&(1<<uint(bit)) != 0 {
			r.KeyUsage = append(r.KeyUsage, name)
		}
	}
	for _, eku := range cert.ExtKeyUsage {
		r.ExtKeyUsage = append(r.ExtKeyUsage, extKeyUsageOIDs[eku])
	}
	for _, oid := range cert.UnknownExtKeyUsage {
		r.ExtKeyUsage = append(r.ExtKeyUsage, asn1.ObjectIdentifier(oid).String())
	}
	sort.Strings(r.ExtKeyUsage)
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	r.SPKI = hex.EncodeToString(sum[:])
	return r
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	encoder := json.NewEncoder(out)
	for in.Scan() {
		line := in.Text()
		if line == "version" {
			encoder.Encode(result{OK: true, GoVersion: runtime.Version(), KeyUsage: []string{}, ExtKeyUsage: []string{}})
		} else if der, err := base64.StdEncoding.DecodeString(line); err != nil {
			encoder.Encode(result{OK: false, Error: "oracle: invalid base64: " + err.Error()})
		} else {
			encoder.Encode(parse(der))
		}
		out.Flush()
	}
}
