/* Writing the GB/T 35275-2017 SignedData (clause 8) of an OFD digital signature (Type="Sign",
 * GB/T 33190-2016 clause 18, GM/T 0099-2020 clause 7.2.2 b): the SignedValue.dat of
 * `sealcert sign --digital`. ofd_sigdata.c reads it back.
 *
 * The layout is the one ofdrw's GBT35275DSContainer writes and its GBT35275ValidateContainer
 * insists on, which is also GM/T 0099-2020 clause 7.2.2 d)-e) read literally ("hash the
 * signature file, sign the hash"):
 *   - contentInfo: data (1.2.156.10197.6.1.4.2.1) with the content attached, an OCTET STRING
 *     holding SM3(Signature.xml);
 *   - no authenticatedAttributes: the SM2 signature (SM3 with Z over the default ID) is over
 *     those 32 content bytes;
 *   - the signer's certificate in certificates [0], found by issuerAndSerialNumber.
 * A detached content (the Signature.xml itself as the signed message) would also satisfy our
 * verifier, but ofdrw reads the content unconditionally and refuses such a SignedData.
 */
#include "sealcert/ofd.h"
#include "ofd/ofd_int.h"

#include <limits.h>

#include <openssl/asn1t.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

/*
 * GB/T 35275-2017 clause 8 (after RFC 2315 clause 9); only what we write:
 *   ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY }
 *   SignedData ::= SEQUENCE {
 *     version INTEGER, digestAlgorithms SET OF AlgorithmIdentifier, contentInfo ContentInfo,
 *     certificates [0] IMPLICIT SET OF Certificate OPTIONAL,
 *     signerInfos SET OF SignerInfo }
 *   SignerInfo ::= SEQUENCE {
 *     version INTEGER, issuerAndSerialNumber IssuerAndSerialNumber,
 *     digestAlgorithm AlgorithmIdentifier,
 *     digestEncryptionAlgorithm AlgorithmIdentifier, encryptedDigest OCTET STRING }
 *   IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER }
 * If this layout changes, parse_signed_data() in ofd_sigdata.c must still read it.
 */
typedef struct {
    X509_NAME *issuer;    /* the signer certificate's issuer */
    ASN1_INTEGER *serial; /* its serial number */
} GBT35275_ISSUER_SERIAL;

typedef struct {
    ASN1_INTEGER *version;
    GBT35275_ISSUER_SERIAL *ias;
    X509_ALGOR *digest_alg; /* sm3, no parameters */
    X509_ALGOR *sig_alg;    /* sm2sign 1.2.156.10197.1.501, no parameters */
    ASN1_OCTET_STRING *sig; /* DER SEQUENCE{r, s} */
} GBT35275_SIGNER_INFO;
DEFINE_STACK_OF(GBT35275_SIGNER_INFO)

typedef struct {
    ASN1_OBJECT *type;          /* data */
    ASN1_OCTET_STRING *content; /* [0] EXPLICIT: SM3 of the Signature.xml bytes */
} GBT35275_DATA_INFO;

typedef struct {
    ASN1_INTEGER *version;
    STACK_OF(X509_ALGOR) * digest_algs;
    GBT35275_DATA_INFO *content;
    STACK_OF(X509) * certs;
    STACK_OF(GBT35275_SIGNER_INFO) * signers;
} GBT35275_SIGNED_DATA;

typedef struct {
    ASN1_OBJECT *type; /* signedData */
    GBT35275_SIGNED_DATA *signed_data;
} GBT35275_CONTENT_INFO;

ASN1_SEQUENCE(GBT35275_ISSUER_SERIAL) =
    {
        ASN1_SIMPLE(GBT35275_ISSUER_SERIAL, issuer, X509_NAME),
        ASN1_SIMPLE(GBT35275_ISSUER_SERIAL, serial, ASN1_INTEGER),
} static_ASN1_SEQUENCE_END(GBT35275_ISSUER_SERIAL)

        ASN1_SEQUENCE(GBT35275_SIGNER_INFO) =
            {
                ASN1_SIMPLE(GBT35275_SIGNER_INFO, version, ASN1_INTEGER),
                ASN1_SIMPLE(GBT35275_SIGNER_INFO, ias, GBT35275_ISSUER_SERIAL),
                ASN1_SIMPLE(GBT35275_SIGNER_INFO, digest_alg, X509_ALGOR),
                ASN1_SIMPLE(GBT35275_SIGNER_INFO, sig_alg, X509_ALGOR),
                ASN1_SIMPLE(GBT35275_SIGNER_INFO, sig, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(GBT35275_SIGNER_INFO)

                ASN1_SEQUENCE(GBT35275_DATA_INFO) =
                    {
                        ASN1_SIMPLE(GBT35275_DATA_INFO, type, ASN1_OBJECT),
                        ASN1_EXP(GBT35275_DATA_INFO, content, ASN1_OCTET_STRING, 0),
} static_ASN1_SEQUENCE_END(GBT35275_DATA_INFO)

                        ASN1_SEQUENCE(GBT35275_SIGNED_DATA) =
                            {
                                ASN1_SIMPLE(GBT35275_SIGNED_DATA, version, ASN1_INTEGER),
                                ASN1_SET_OF(GBT35275_SIGNED_DATA, digest_algs, X509_ALGOR),
                                ASN1_SIMPLE(GBT35275_SIGNED_DATA, content, GBT35275_DATA_INFO),
                                ASN1_IMP_SET_OF_OPT(GBT35275_SIGNED_DATA, certs, X509, 0),
                                ASN1_SET_OF(GBT35275_SIGNED_DATA, signers, GBT35275_SIGNER_INFO),
} static_ASN1_SEQUENCE_END(GBT35275_SIGNED_DATA)

                                ASN1_SEQUENCE(GBT35275_CONTENT_INFO) =
                                    {
                                        ASN1_SIMPLE(GBT35275_CONTENT_INFO, type, ASN1_OBJECT),
                                        ASN1_EXP(GBT35275_CONTENT_INFO, signed_data,
                                                 GBT35275_SIGNED_DATA, 0),
} static_ASN1_SEQUENCE_END(GBT35275_CONTENT_INFO)

                                    /* An AlgorithmIdentifier with absent parameters (as ofdrw
                                       writes sm3 and sm2sign). */
                                    static X509_ALGOR
                                    * algor(const char *oid)
{
    X509_ALGOR *a = X509_ALGOR_new();
    ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
    if (!a || !o || !X509_ALGOR_set0(a, o, V_ASN1_UNDEF, NULL)) {
        X509_ALGOR_free(a);
        ASN1_OBJECT_free(o);
        return NULL;
    }
    return a;
}

int sc_ofd__signed_data_make(sc_buf *out, const sc_key *key, const sc_cert *cert,
                             const unsigned char *data, size_t len)
{
    const ASN1_ITEM *it = ASN1_ITEM_rptr(GBT35275_CONTENT_INFO);
    GBT35275_CONTENT_INFO *ci = NULL;
    GBT35275_SIGNED_DATA *sd = NULL;
    GBT35275_SIGNER_INFO *si = NULL;
    X509 *x = NULL;
    X509_ALGOR *alg = NULL;
    unsigned char md[SC_SM3_DIGEST_LEN], *der = NULL;
    const unsigned char *cert_der, *p;
    size_t cert_len;
    sc_buf sig = SC_BUF_INIT;
    int der_len, error;

    if ((error = sc_sm3(md, data, len)) < 0 || (error = sc_sm2_sign(&sig, key, md, sizeof(md))) < 0)
        goto done;
    cert_der = sc_cert_der(cert, &cert_len);
    p = cert_der;
    if (cert_len > LONG_MAX || !(x = d2i_X509(NULL, &p, (long)cert_len))) {
        error = sc_error_set_ossl(SC_EINVALID, "cert: not a readable X.509 certificate");
        goto done;
    }
    /* Every object goes into its parent as soon as it exists, so one free at the end suffices. */
    if (!(ci = (GBT35275_CONTENT_INFO *)ASN1_item_new(it)))
        goto oom;
    sd = ci->signed_data;
    si = (GBT35275_SIGNER_INFO *)ASN1_item_new(ASN1_ITEM_rptr(GBT35275_SIGNER_INFO));
    if (!si || !sk_GBT35275_SIGNER_INFO_push(sd->signers, si)) {
        ASN1_item_free((ASN1_VALUE *)si, ASN1_ITEM_rptr(GBT35275_SIGNER_INFO));
        goto oom;
    }
    ASN1_OBJECT_free(ci->type);
    ci->type = NULL;
    ASN1_OBJECT_free(sd->content->type);
    sd->content->type = NULL;
    if (!(ci->type = OBJ_txt2obj(SC_OFD_OID_GBT35275_SIGNED, 1)) ||
        !(sd->content->type = OBJ_txt2obj(SC_OFD_OID_GBT35275_DATA, 1)) ||
        !ASN1_INTEGER_set(sd->version, 1) || !ASN1_INTEGER_set(si->version, 1) ||
        !ASN1_OCTET_STRING_set(sd->content->content, md, sizeof(md)) ||
        !ASN1_OCTET_STRING_set(si->sig, sig.ptr, (int)sig.size))
        goto oom;
    if (!(alg = algor(SC_OID_SM3)) || !sk_X509_ALGOR_push(sd->digest_algs, alg))
        goto oom;
    alg = NULL;
    X509_ALGOR_free(si->digest_alg);
    X509_ALGOR_free(si->sig_alg);
    si->sig_alg = NULL;
    if (!(si->digest_alg = algor(SC_OID_SM3)) || !(si->sig_alg = algor(SC_OID_SM2_WITH_SM3)))
        goto oom;
    X509_NAME_free(si->ias->issuer);
    ASN1_INTEGER_free(si->ias->serial);
    si->ias->serial = NULL;
    if (!(si->ias->issuer = X509_NAME_dup(X509_get_issuer_name(x))) ||
        !(si->ias->serial = ASN1_INTEGER_dup(X509_get0_serialNumber(x))))
        goto oom;
    if (!(sd->certs = sk_X509_new_null()) || !sk_X509_push(sd->certs, x))
        goto oom;
    x = NULL;
    if ((der_len = ASN1_item_i2d((ASN1_VALUE *)ci, &der, it)) <= 0)
        goto oom;
    error = sc_buf_set(out, der, (size_t)der_len);
    goto done;
oom:
    error = sc_error_set_ossl(SC_ENOMEM, "SignedData: cannot be built");
done:
    OPENSSL_free(der);
    X509_ALGOR_free(alg);
    X509_free(x);
    ASN1_item_free((ASN1_VALUE *)ci, it);
    sc_buf_dispose(&sig);
    return error;
}
