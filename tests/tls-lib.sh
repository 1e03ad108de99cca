# SPDX-License-Identifier: ISC
# Certificates for the TLS script tests, made by openssl when the test
# runs (nothing that expires is checked in).  Source after tests/lib.sh
# with C set to an empty directory:
#
#	tls_ca NAME CN			a self-signed CA, $C/NAME.pem and .key
#	tls_cert NAME CN CA EXT		a certificate signed by $C/CA.pem, EXT
#					an openssl extension line, e.g.
#					"subjectAltName=IP:127.0.0.1"
#	tls_fp FILE			the SHA-256 fingerprint of a PEM file
#	tls_seen_fp PORT		the one a new connection to PORT gets
#
# openssl's output goes to $C/openssl.log; a failure is not_ok with it,
# and summary.

tls_ossl()
{
	openssl "$@" >>"$C/openssl.log" 2>&1 ||
	    { not_ok "openssl $1"; sed 's/^/# /' "$C/openssl.log"; summary; }
}

tls_ca()
{
	tls_ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$C/$1.key" -out "$C/$1.pem" -subj "/CN=$2" -days 30
}

tls_cert()
{
	printf '%s\n' "$4" >"$C/$1.ext"
	tls_ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$C/$1.key" -out "$C/$1.csr" -subj "/CN=$2"
	tls_ossl x509 -req -in "$C/$1.csr" -CA "$C/$3.pem" -CAkey "$C/$3.key" \
	    -CAcreateserial -days 30 -out "$C/$1.pem" -extfile "$C/$1.ext"
}

tls_fp()
{
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'
}

tls_seen_fp()
{
	openssl s_client -connect "127.0.0.1:$1" </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//'
}
