package tenantd

import (
	"sort"
	"strings"
	"time"

	// Embed the IANA time zone database in every binary that uses this package. Without it
	// a host without zoneinfo files (a scratch or distroless container) would know no zone
	// but UTC, and every tenant's timezone would fail validation there. The copy costs about
	// 450 KB. time.LoadLocation still prefers the host's files when they hold the name, so
	// ValidTimezone refuses the names that only some hosts' directories hold.
	_ "time/tzdata"
)

// currencyCodes lists, sorted, the ISO 4217 codes of the currencies in circulation, as of
// amendment 180 (Bulgaria's lev retired on 1 January 2026). Each code is followed by one space
// so that entry i sits at offset 4*i.
//
// ISO's list one also carries codes that are not money a tenant can be billed in: fund codes
// (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW, XAD), precious metals (XAG, XAU, XPD, XPT),
// bond-market units (XBA to XBD), the IMF's XDR, XSU, XUA, and the testing and no-currency
// codes XTS and XXX. They are left out on purpose. Withdrawn codes such as ANG (replaced by
// XCG), BGN and HRK (by EUR), CUC, SLL (by SLE) and ZWL (by ZWG) are left out as well.
const currencyCodes = "" +
	"AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN " +
	"BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB " +
	"EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR " +
	"ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD " +
	"MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR " +
	"PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE " +
	"SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU " +
	"UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG "

// regionCodes lists, sorted, the 249 officially assigned ISO 3166-1 alpha-3 codes, laid out
// like currencyCodes. User-assigned codes such as XKX, used by some registries for Kosovo, are
// not officially assigned and therefore not accepted; neither are reserved codes like ANT.
const regionCodes = "" +
	"ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN " +
	"BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN " +
	"CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU " +
	"DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR " +
	"GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV " +
	"HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM " +
	"KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA " +
	"MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM " +
	"NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL " +
	"PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE " +
	"SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK " +
	"TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB " +
	"VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE "

// CanonicalCurrency returns the upper-case form of an ISO 4217 code of a currency in
// circulation, and false for anything else. Letters may be given in either case.
func CanonicalCurrency(s string) (string, bool) {
	return lookupISOCode(currencyCodes, s)
}

// CanonicalRegion returns the upper-case form of an officially assigned ISO 3166-1 alpha-3
// code, and false for anything else. Letters may be given in either case.
func CanonicalRegion(s string) (string, bool) {
	return lookupISOCode(regionCodes, s)
}

// lookupISOCode finds a three-letter code in a table laid out like currencyCodes. It returns
// the code in upper case, or "" and false when s is not three ASCII letters or not in the
// table.
func lookupISOCode(table, s string) (string, bool) {
	if len(s) != 3 {
		return "", false
	}

	b := []byte(s)
	for i, c := range b {
		if !localeLetter(c) {
			return "", false
		}
		b[i] = c &^ 0x20 // ASCII letters differ from their upper case only in this bit
	}
	code := string(b)

	n := len(table) / 4
	i := sort.Search(n, func(i int) bool { return table[4*i:4*i+3] >= code })
	if i == n || table[4*i:4*i+3] != code {
		return "", false
	}
	return code, true
}

// ValidTimezone reports whether s names a time zone in the IANA database, such as
// "Europe/Zurich", "UTC", "Etc/GMT+6" or a backward-compatible alias like "Asia/Calcutta".
// Names are case-sensitive, as in the database.
//
// It refuses names that time.LoadLocation accepts without their being zones: "" and "Local"
// (the process's own zone), and files that only some hosts' zoneinfo directories hold
// ("localtime", "posixrules", the "posix/" and "right/" trees). It also refuses "Factory",
// the database's placeholder for "zone not yet configured".
func ValidTimezone(s string) bool {
	if !timezoneSyntax(s) {
		return false
	}

	switch s {
	case "Local", "localtime", "posixrules", "Factory":
		return false
	}
	if first, _, _ := strings.Cut(s, "/"); first == "posix" || first == "right" {
		return false
	}

	_, err := time.LoadLocation(s)
	return err == nil
}

// timezoneSyntax reports whether s has the shape of a tz database name: at most 64 bytes of
// '/'-separated parts, each starting with an ASCII letter and holding only letters, digits,
// '_', '-' and '+'. Checking the shape first keeps paths such as "../etc/passwd" or
// "/etc/passwd" away from the file system altogether.
func timezoneSyntax(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}

	for part := range strings.SplitSeq(s, "/") {
		if part == "" || !localeLetter(part[0]) {
			return false
		}
		for i := 1; i < len(part); i++ {
			c := part[i]
			if !localeLetter(c) && !('0' <= c && c <= '9') && c != '_' && c != '-' && c != '+' {
				return false
			}
		}
	}
	return true
}

// localeLetter reports whether c is an ASCII letter.
func localeLetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
