/* SM2 signing (GB/T 32918.2 clause 6.1) on the recommended curve in constant time, with a
 * fixed-base comb for k*G.
 *
 * Why: OpenSSL 3.0 computes k*G with a Montgomery ladder over its generic BIGNUM arithmetic,
 * about 0.4 ms, a third of what issuing a certificate costs. Debian 12 ships no faster SM2.
 * Here k*G is 64 mixed additions of precomputed points, one per 4-bit digit of k (no doublings),
 * over 4 x 64-bit Montgomery arithmetic: about 20 times faster.
 *
 * Constant time: no branch and no memory address depends on k or d. Every digit reads all 15
 * table entries and keeps one by mask; the additions run the same formulas whatever the digit,
 * and a zero digit or the point at infinity is handled by masks. Inversions are powers with the
 * public exponent m - 2. The mod-n part of the signature is masks too: whether k is in range
 * and r, r + k and s are nonzero become one mask, made public (declassified) only as the
 * verdict "retry with another k", and a rejected signature is wiped, never returned. The one
 * other branch on a secret is the refusal of a private key out of range, once, at load.
 * tests/sm/sm2_ct.c checks all of this under valgrind: built with SC_CT_VALIDATION, the
 * CT_PUBLIC() points below tell memcheck which values are public.
 *
 * Verification and everything else stay with OpenSSL; every signature made here is checked by
 * OpenSSL in the tests, and k*G against EC_POINT_mul. */
#include "sm/sm_int.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

/* Declassification points: a secret-derived value that is public from here on (a verdict or a
 * published result). Only the constant-time test builds them (SC_CT_VALIDATION). */
#ifdef SC_CT_VALIDATION
#include <valgrind/memcheck.h>
#define CT_PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)
#else
#define CT_PUBLIC(p, n) ((void)(p), (void)(n))
#endif

__extension__ typedef unsigned __int128 u128;
typedef uint64_t fe[4]; /* little-endian 64-bit limbs */

/* A modulus for Montgomery arithmetic with R = 2^256. */
typedef struct {
    fe m;        /* the modulus, odd, > 2^255 */
    uint64_t n0; /* -m^-1 mod 2^64 */
    fe rr;       /* R^2 mod m */
    fe one;      /* R mod m: 1 in Montgomery form */
} modulus;

/* The point in Jacobian coordinates (x = X/Z^2, y = Y/Z^3), Montgomery form. */
typedef struct {
    fe x, y, z;
} jpoint;

/* An affine point, Montgomery form. */
typedef struct {
    fe x, y;
} apoint;

/* GB/T 32918.5 recommended curve: p, n, and G; a = p - 3. */
static const uint64_t sm2_p[4] = {0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF00000000ull,
                                  0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFEFFFFFFFFull};
static const uint64_t sm2_n[4] = {0x53BBF40939D54123ull, 0x7203DF6B21C6052Bull,
                                  0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFEFFFFFFFFull};
static const uint64_t sm2_gx[4] = {0x715A4589334C74C7ull, 0x8FE30BBFF2660BE1ull,
                                   0x5F9904466A39C994ull, 0x32C4AE2C1F198119ull};
static const uint64_t sm2_gy[4] = {0x02DF32E52139F0A0ull, 0xD0A9877CC62A4740ull,
                                   0x59BDCEE36B692153ull, 0xBC3736A2F4F6779Cull};

#define COMB_WINDOWS 64 /* 4-bit digits of a 256-bit scalar */
#define COMB_ENTRIES 15 /* digit values 1..15 */

static modulus mod_p, mod_n;
/* table[i][j] = (j + 1) * 16^i * G, affine, Montgomery form: 61,440 bytes, made once. */
static apoint comb[COMB_WINDOWS][COMB_ENTRIES];
static pthread_once_t comb_once = PTHREAD_ONCE_INIT;

/* ---- 256-bit arithmetic modulo m, constant time ------------------------------------------- */

/* A value barrier: the compiler can no longer reason about what @p v is. Every mask made from a
 * secret passes one; without them clang 14 turns the table scan's "j + 1 == digit" mask back
 * into a compare and a branch that reads only the chosen entry (and "r == 0" into a branch). */
static inline uint64_t ct_opaque(uint64_t v)
{
    __asm__("" : "+r"(v));
    return v;
}

/* The limb loops are unrolled ("#pragma GCC unroll", gcc and clang): at -O2 they stay loops
 * over memory, 1.4 times as slow. */

static void fe_copy(fe r, const fe a)
{
    memcpy(r, a, sizeof(fe));
}

/* r = a if mask is all ones, r unchanged if it is zero. */
static void fe_cmov(fe r, const fe a, uint64_t mask)
{
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
        r[i] = (r[i] & ~mask) | (a[i] & mask);
}

/* r = (hi:a) - m if that does not borrow, else a: reduces a value below 2m. */
static void fe_reduce_once(fe r, const fe a, uint64_t hi, const fe m)
{
    fe d;
    uint64_t borrow = 0, keep;
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)a[i] - m[i] - borrow;
        d[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    keep = ct_opaque(0 - (uint64_t)((((u128)hi - borrow) >> 64) & 1)); /* hi:a < m */
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
        r[i] = (a[i] & keep) | (d[i] & ~keep);
}

static void fe_add(fe r, const fe a, const fe b, const modulus *M)
{
    fe s;
    u128 c = 0;
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        c += (u128)a[i] + b[i];
        s[i] = (uint64_t)c;
        c >>= 64;
    }
    fe_reduce_once(r, s, (uint64_t)c, M->m);
}

static void fe_sub(fe r, const fe a, const fe b, const modulus *M)
{
    uint64_t borrow = 0, mask;
    u128 c = 0;
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)a[i] - b[i] - borrow;
        r[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    mask = ct_opaque(0 - borrow);
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        c += (u128)r[i] + (M->m[i] & mask);
        r[i] = (uint64_t)c;
        c >>= 64;
    }
}

/* r = a * b / R mod m (CIOS Montgomery multiplication); a, b < m. r may alias a or b. */
static void fe_mul(fe r, const fe a, const fe b, const modulus *M)
{
    uint64_t t[6] = {0};
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        u128 c = 0;
        uint64_t q;
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++) {
            c += (u128)a[j] * b[i] + t[j];
            t[j] = (uint64_t)c;
            c >>= 64;
        }
        c += t[4];
        t[4] = (uint64_t)c;
        t[5] = (uint64_t)(c >> 64);
        q = t[0] * M->n0;
        c = ((u128)q * M->m[0] + t[0]) >> 64;
#pragma GCC unroll 4
        for (int j = 1; j < 4; j++) {
            c += (u128)q * M->m[j] + t[j];
            t[j - 1] = (uint64_t)c;
            c >>= 64;
        }
        c += t[4];
        t[3] = (uint64_t)c;
        t[4] = t[5] + (uint64_t)(c >> 64);
    }
    fe_reduce_once(r, t, t[4], M->m);
}

static void fe_sqr(fe r, const fe a, const modulus *M)
{
    fe_mul(r, a, a, M);
}

/* r = a^e (Montgomery form in and out) with a public exponent, 4-bit fixed windows. */
static void fe_pow(fe r, const fe a, const fe e, const modulus *M)
{
    fe pw[16], acc;
    fe_copy(pw[0], M->one);
    for (int i = 1; i < 16; i++)
        fe_mul(pw[i], pw[i - 1], a, M);
    fe_copy(acc, M->one);
    for (int i = 63; i >= 0; i--) {
        unsigned digit = (unsigned)(e[i / 16] >> (4 * (i % 16))) & 15;
        for (int s = 0; s < 4; s++)
            fe_sqr(acc, acc, M);
        fe_mul(acc, acc, pw[digit], M); /* the exponent is public: a plain index */
    }
    fe_copy(r, acc);
    OPENSSL_cleanse(pw, sizeof(pw));
    OPENSSL_cleanse(acc, sizeof(acc));
}

/* r = a^-1 (Montgomery form in and out), a != 0: a^(m-2). */
static void fe_inv(fe r, const fe a, const modulus *M)
{
    fe e;
    fe_copy(e, M->m);
    e[0] -= 2; /* m is odd and > 2 */
    fe_pow(r, a, e, M);
}

static void fe_to_mont(fe r, const fe a, const modulus *M)
{
    fe_mul(r, a, M->rr, M);
}

static void fe_from_mont(fe r, const fe a, const modulus *M)
{
    static const fe one = {1, 0, 0, 0};
    fe_mul(r, a, one, M);
}

/* All ones if a == 0, else zero. */
static uint64_t fe_is_zero(const fe a)
{
    uint64_t x = a[0] | a[1] | a[2] | a[3];
    return ct_opaque(0 - (uint64_t)(((x | (0 - x)) >> 63) ^ 1));
}

static void fe_from_be(fe r, const unsigned char b[32])
{
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        uint64_t v = 0;
        for (int j = 0; j < 8; j++)
            v = v << 8 | b[(3 - i) * 8 + j];
        r[i] = v;
    }
}

static void fe_to_be(unsigned char b[32], const fe a)
{
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            b[(3 - i) * 8 + j] = (unsigned char)(a[i] >> (56 - 8 * j));
}

/* a < m, in constant time: 1 or 0. */
static uint64_t fe_less(const fe a, const fe m)
{
    uint64_t borrow = 0;
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
        borrow = (uint64_t)((((u128)a[i] - m[i]) - borrow) >> 64) & 1;
    return ct_opaque(borrow);
}

static void modulus_init(modulus *M, const uint64_t m[4])
{
    uint64_t inv = 1;
    fe_copy(M->m, m);
    for (int i = 0; i < 6; i++) /* Newton: each step doubles the correct low bits */
        inv *= 2 - m[0] * inv;
    M->n0 = 0 - inv;
    /* R mod m = 2^256 - m (m > 2^255), then doubled 256 times: R^2 mod m. */
    {
        fe r;
        uint64_t borrow = 0;
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++) {
            u128 t = (u128)0 - m[i] - borrow;
            r[i] = (uint64_t)t;
            borrow = (uint64_t)(t >> 64) & 1;
        }
        fe_copy(M->one, r);
        for (int i = 0; i < 256; i++)
            fe_add(r, r, r, M);
        fe_copy(M->rr, r);
    }
}

/* ---- points on the curve, Jacobian coordinates, a = -3 ------------------------------------- */

/* r = 2P (dbl-2001-b). Used only to build the table (public points). */
static void point_double(jpoint *r, const jpoint *p)
{
    const modulus *M = &mod_p;
    fe delta, gamma, beta, alpha, t1, t2;
    fe_sqr(delta, p->z, M);
    fe_sqr(gamma, p->y, M);
    fe_mul(beta, p->x, gamma, M);
    fe_sub(t1, p->x, delta, M);
    fe_add(t2, p->x, delta, M);
    fe_mul(alpha, t1, t2, M);
    fe_add(t1, alpha, alpha, M);
    fe_add(alpha, t1, alpha, M); /* 3 (x - delta)(x + delta) */
    fe_add(t1, p->y, p->z, M);
    fe_sqr(t1, t1, M);
    fe_sub(t1, t1, gamma, M);
    fe_sub(r->z, t1, delta, M);
    fe_add(beta, beta, beta, M);
    fe_add(beta, beta, beta, M); /* 4 beta */
    fe_sqr(t1, alpha, M);
    fe_add(t2, beta, beta, M);
    fe_sub(r->x, t1, t2, M);
    fe_sub(t1, beta, r->x, M);
    fe_mul(t1, alpha, t1, M);
    fe_sqr(gamma, gamma, M);
    fe_add(gamma, gamma, gamma, M);
    fe_add(gamma, gamma, gamma, M);
    fe_add(gamma, gamma, gamma, M); /* 8 gamma^2 */
    fe_sub(r->y, t1, gamma, M);
}

/* r = P + Q with Q affine (madd-2007-bl). Branch free; the caller masks out P = infinity,
 * and P = +-Q cannot happen in a comb over a scalar in [1, n - 1]. r may alias p. */
static void point_add_affine(jpoint *r, const jpoint *p, const apoint *q)
{
    const modulus *M = &mod_p;
    fe z1z1, u2, s2, h, hh, i4, j, rr, v, t;
    fe_sqr(z1z1, p->z, M);
    fe_mul(u2, q->x, z1z1, M);
    fe_mul(s2, q->y, p->z, M);
    fe_mul(s2, s2, z1z1, M);
    fe_sub(h, u2, p->x, M);
    fe_sqr(hh, h, M);
    fe_add(i4, hh, hh, M);
    fe_add(i4, i4, i4, M);
    fe_mul(j, h, i4, M);
    fe_sub(rr, s2, p->y, M);
    fe_add(rr, rr, rr, M);
    fe_mul(v, p->x, i4, M);
    /* Z3 = (Z1 + H)^2 - Z1Z1 - HH, before z is overwritten */
    fe_add(t, p->z, h, M);
    fe_sqr(t, t, M);
    fe_sub(t, t, z1z1, M);
    fe_sub(r->z, t, hh, M);
    /* Y3 needs Y1 * J before y is overwritten */
    fe_mul(t, p->y, j, M);
    fe_add(t, t, t, M);
    /* X3 = r^2 - J - 2V */
    fe_sqr(u2, rr, M);
    fe_sub(u2, u2, j, M);
    fe_sub(u2, u2, v, M);
    fe_sub(r->x, u2, v, M);
    /* Y3 = r (V - X3) - 2 Y1 J */
    fe_sub(v, v, r->x, M);
    fe_mul(v, rr, v, M);
    fe_sub(r->y, v, t, M);
}

/* out[i] = affine form of in[i] for n points with Z != 0 (one inversion, Montgomery's trick). */
static void points_to_affine(apoint *out, const jpoint *in, int n)
{
    const modulus *M = &mod_p;
    fe prod[COMB_ENTRIES], inv, zi, zi2;
    fe_copy(prod[0], in[0].z);
    for (int i = 1; i < n; i++)
        fe_mul(prod[i], prod[i - 1], in[i].z, M);
    fe_inv(inv, prod[n - 1], M);
    for (int i = n - 1; i >= 0; i--) {
        if (i > 0) {
            fe_mul(zi, inv, prod[i - 1], M);
            fe_mul(inv, inv, in[i].z, M);
        } else {
            fe_copy(zi, inv);
        }
        fe_sqr(zi2, zi, M);
        fe_mul(out[i].x, in[i].x, zi2, M);
        fe_mul(zi2, zi2, zi, M);
        fe_mul(out[i].y, in[i].y, zi2, M);
    }
}

static void comb_init(void)
{
    jpoint row[COMB_ENTRIES], b;
    apoint base;
    modulus_init(&mod_p, sm2_p);
    modulus_init(&mod_n, sm2_n);
    fe_to_mont(base.x, sm2_gx, &mod_p);
    fe_to_mont(base.y, sm2_gy, &mod_p);
    for (int i = 0; i < COMB_WINDOWS; i++) {
        /* row[j] = (j + 1) * base, base = 16^i G */
        fe_copy(row[0].x, base.x);
        fe_copy(row[0].y, base.y);
        fe_copy(row[0].z, mod_p.one);
        point_double(&row[1], &row[0]);
        for (int j = 2; j < COMB_ENTRIES; j++)
            point_add_affine(&row[j], &row[j - 1], &base);
        points_to_affine(comb[i], row, COMB_ENTRIES);
        /* next base: 16 * base = 2 * (8 * base) = 2 * row[7] */
        point_double(&b, &row[7]);
        points_to_affine(&base, &b, 1);
    }
}

/* r = k * G for k in [1, n - 1] (plain little-endian limbs): affine x and y, plain form. */
static void base_mul(fe x, fe y, const fe k)
{
    const modulus *M = &mod_p;
    jpoint acc, sum;
    apoint sel;
    fe zi, zi2;
    uint64_t acc_inf = ~(uint64_t)0; /* all ones while acc is the point at infinity */

    memset(&acc, 0, sizeof(acc));
    for (int i = 0; i < COMB_WINDOWS; i++) {
        uint64_t digit = (k[i / 16] >> (4 * (i % 16))) & 15, zero, take;
        memset(&sel, 0, sizeof(sel));
        for (uint64_t j = 0; j < COMB_ENTRIES; j++) {
            uint64_t eq = ct_opaque(0 - ((((j + 1) ^ digit) - 1) >> 63)); /* j + 1 == digit */
            fe_cmov(sel.x, comb[i][j].x, eq);
            fe_cmov(sel.y, comb[i][j].y, eq);
        }
        zero = ct_opaque(0 - (((digit)-1) >> 63)); /* digit == 0 */
        point_add_affine(&sum, &acc, &sel);
        /* digit 0: keep acc; acc at infinity: take sel; else take the sum */
        take = ~zero & ~acc_inf;
        fe_cmov(acc.x, sum.x, take);
        fe_cmov(acc.y, sum.y, take);
        fe_cmov(acc.z, sum.z, take);
        take = ~zero & acc_inf;
        fe_cmov(acc.x, sel.x, take);
        fe_cmov(acc.y, sel.y, take);
        fe_cmov(acc.z, M->one, take);
        acc_inf &= zero;
    }
    fe_inv(zi, acc.z, M);
    fe_sqr(zi2, zi, M);
    fe_mul(x, acc.x, zi2, M);
    fe_mul(zi2, zi2, zi, M);
    fe_mul(y, acc.y, zi2, M);
    fe_from_mont(x, x, M);
    fe_from_mont(y, y, M);
    OPENSSL_cleanse(&acc, sizeof(acc));
    OPENSSL_cleanse(&sum, sizeof(sum));
    OPENSSL_cleanse(&sel, sizeof(sel));
    OPENSSL_cleanse(zi, sizeof(zi)); /* Z says something of k */
    OPENSSL_cleanse(zi2, sizeof(zi2));
}

/* ---- keys and signatures ------------------------------------------------------------------- */

struct sc_sm__sm2_fast {
    fe d_mont;     /* d * R mod n */
    fe dinv1_mont; /* (1 + d)^-1 * R mod n */
};

int sc_sm__sm2_fast_new(sc_sm__sm2_fast **out, const unsigned char d_be[32])
{
    sc_sm__sm2_fast *f;
    fe d, t;
    *out = NULL;
    pthread_once(&comb_once, comb_init);
    fe_from_be(d, d_be);
    fe_add(t, d, (const uint64_t[4]){1, 0, 0, 0}, &mod_n); /* 1 + d, meaningful when d < n */
    /* 1 <= d <= n - 2: (1 + d) must be invertible. Whether the key is usable is public. */
    uint64_t bad = fe_is_zero(d) | (fe_less(d, mod_n.m) - 1) | fe_is_zero(t);
    CT_PUBLIC(&bad, sizeof(bad));
    if (bad) {
        OPENSSL_cleanse(d, sizeof(d));
        OPENSSL_cleanse(t, sizeof(t));
        return sc_error_set(SC_EINVALID, "SM2 private key out of range [1, n - 2]");
    }
    if (!(f = sc_calloc(1, sizeof(*f)))) {
        OPENSSL_cleanse(d, sizeof(d));
        OPENSSL_cleanse(t, sizeof(t));
        return sc_error_oom();
    }
    fe_to_mont(f->d_mont, d, &mod_n);
    fe_to_mont(t, t, &mod_n);
    fe_inv(f->dinv1_mont, t, &mod_n);
    OPENSSL_cleanse(d, sizeof(d));
    OPENSSL_cleanse(t, sizeof(t));
    *out = f;
    return 0;
}

void sc_sm__sm2_fast_free(sc_sm__sm2_fast *f)
{
    if (!f)
        return;
    OPENSSL_cleanse(f, sizeof(*f));
    sc_free(f);
}

int sc_sm__sm2_fast_sign_k(unsigned char rs[64], const sc_sm__sm2_fast *f,
                           const unsigned char e_be[32], const unsigned char k_be[32])
{
    fe e, k, x1, y1, r, t, s;
    fe_from_be(k, k_be);
    /* 1 <= k <= n - 1, as a mask: out of range, the arithmetic below still runs (on values
     * that are then thrown away) so that nothing branches on k. */
    uint64_t ok = ~fe_is_zero(k) & (0 - fe_less(k, mod_n.m));
    fe_from_be(e, e_be);
    fe_reduce_once(e, e, 0, mod_n.m); /* e < 2^256 < 2n */
    base_mul(x1, y1, k);
    fe_reduce_once(x1, x1, 0, mod_n.m); /* x1 < p < 2n */
    fe_reduce_once(k, k, 0, mod_n.m);   /* a no-op in range; keeps fe_sub's input below n */
    fe_add(r, e, x1, &mod_n);           /* r = (e + x1) mod n */
    fe_add(t, r, k, &mod_n);
    ok &= ~fe_is_zero(r) & ~fe_is_zero(t); /* r = 0 or r + k = n needs another k */
    fe_mul(t, r, f->d_mont, &mod_n);       /* r d mod n */
    fe_sub(t, k, t, &mod_n);               /* k - r d */
    fe_mul(s, t, f->dinv1_mont, &mod_n);   /* (1 + d)^-1 (k - r d) */
    ok &= ~fe_is_zero(s);
    /* A rejected signature is wiped: with r = 0, s would give away (1 + d)^-1 k. */
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++)
        r[i] &= ok, s[i] &= ok;
    fe_to_be(rs, r);
    fe_to_be(rs + 32, s);
    CT_PUBLIC(rs, 64); /* the signature is published */
    CT_PUBLIC(&ok, sizeof(ok));
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(t, sizeof(t));
    OPENSSL_cleanse(x1, sizeof(x1));
    OPENSSL_cleanse(y1, sizeof(y1));
    return ok != 0;
}

int sc_sm__sm2_fast_sign(unsigned char rs[64], const sc_sm__sm2_fast *f,
                         const unsigned char e_be[32])
{
    unsigned char k[32];
    pthread_once(&comb_once, comb_init);
    for (int tries = 0; tries < 64; tries++) { /* a try fails with probability < 2^-32 */
        if (RAND_priv_bytes(k, sizeof(k)) != 1) {
            OPENSSL_cleanse(k, sizeof(k));
            return sc_error_set_ossl(SC_ECRYPTO, "random generator");
        }
        if (sc_sm__sm2_fast_sign_k(rs, f, e_be, k)) {
            OPENSSL_cleanse(k, sizeof(k));
            return 0;
        }
    }
    OPENSSL_cleanse(k, sizeof(k));
    return sc_error_set(SC_ECRYPTO, "SM2 sign: no usable random k in 64 tries");
}

void sc_sm__sm2_base_mul(unsigned char x[32], unsigned char y[32], const unsigned char k_be[32])
{
    fe k, fx, fy;
    pthread_once(&comb_once, comb_init);
    fe_from_be(k, k_be);
    base_mul(fx, fy, k);
    fe_to_be(x, fx);
    fe_to_be(y, fy);
    OPENSSL_cleanse(k, sizeof(k));
}
