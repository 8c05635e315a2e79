#include "c_derivation_baseline.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <secp256k1.h>
#include <string.h>

static const uint64_t RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
static const unsigned ROT[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static uint64_t rotl(uint64_t x, unsigned n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static void keccak_f(uint64_t a[25]) {
    uint64_t b[25], c[5], d[5];
    for (int round = 0; round < 24; round++) {
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
        for (int i = 0; i < 25; i++) a[i] ^= d[i % 5];
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], ROT[x + 5 * y]);
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; x++) a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
        a[0] ^= RC[round];
    }
}

void cdb_keccak256(const unsigned char *data, uint64_t length, unsigned char out[32]) {
    uint64_t s[25] = {0};
    unsigned char block[136];
    while (length >= 136) {
        for (int i = 0; i < 17; i++) {
            uint64_t v = 0;
            for (int j = 0; j < 8; j++) v |= (uint64_t)data[i * 8 + j] << (8 * j);
            s[i] ^= v;
        }
        keccak_f(s);
        data += 136;
        length -= 136;
    }
    memset(block, 0, sizeof block);
    memcpy(block, data, length);
    block[length] ^= 0x01;
    block[135] ^= 0x80;
    for (int i = 0; i < 17; i++) {
        uint64_t v = 0;
        for (int j = 0; j < 8; j++) v |= (uint64_t)block[i * 8 + j] << (8 * j);
        s[i] ^= v;
    }
    keccak_f(s);
    for (int i = 0; i < 32; i++) out[i] = (unsigned char)(s[i / 8] >> (8 * (i % 8)));
}

static secp256k1_context *context(void) {
    static secp256k1_context *ctx = 0;
    if (!ctx) ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    return ctx;
}

static void eip55(const unsigned char account[20], char out[43]) {
    static const char hex[] = "0123456789abcdef";
    unsigned char hash[32];
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 20; i++) {
        out[2 + 2 * i] = hex[account[i] >> 4];
        out[3 + 2 * i] = hex[account[i] & 15];
    }
    cdb_keccak256((const unsigned char *)out + 2, 40, hash);
    for (int i = 0; i < 40; i++) {
        unsigned nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 15;
        if (out[2 + i] >= 'a' && nibble >= 8) out[2 + i] -= 32;
    }
    out[42] = 0;
}

int cdb_evm_addresses(const unsigned char parent_pub33[33], const unsigned char chain_code[32],
                      uint32_t first, uint32_t count, char last_address[43]) {
    secp256k1_context *ctx = context();
    secp256k1_pubkey parent, child;
    unsigned char data[37], mac[64], uncompressed[65], hash[32];
    unsigned int mac_len = 0;
    size_t len;
    if (!secp256k1_ec_pubkey_parse(ctx, &parent, parent_pub33, 33)) return 0;
    memcpy(data, parent_pub33, 33);
    for (uint32_t n = 0; n < count; n++) {
        uint32_t i = first + n;
        data[33] = i >> 24; data[34] = i >> 16; data[35] = i >> 8; data[36] = i;
        if (!HMAC(EVP_sha512(), chain_code, 32, data, 37, mac, &mac_len)) return 0;
        child = parent;
        if (!secp256k1_ec_pubkey_tweak_add(ctx, &child, mac)) return 0;
        len = 65;
        secp256k1_ec_pubkey_serialize(ctx, uncompressed, &len, &child, SECP256K1_EC_UNCOMPRESSED);
        cdb_keccak256(uncompressed + 1, 64, hash);
        eip55(hash + 12, last_address);
    }
    return 1;
}

int cdb_hmac_sha512_loop(const unsigned char chain_code[32], uint32_t count) {
    unsigned char data[37] = {2}, mac[64];
    unsigned int mac_len = 0;
    for (uint32_t i = 0; i < count; i++) {
        data[36] = (unsigned char)i;
        if (!HMAC(EVP_sha512(), chain_code, 32, data, 37, mac, &mac_len)) return 0;
    }
    return 1;
}

int cdb_tweak_add_loop(const unsigned char parent_pub33[33], uint32_t count) {
    secp256k1_context *ctx = context();
    secp256k1_pubkey parent, child;
    unsigned char tweak[32];
    if (!secp256k1_ec_pubkey_parse(ctx, &parent, parent_pub33, 33)) return 0;
    for (uint32_t i = 0; i < count; i++) {
        memset(tweak, 0x11, 32);
        tweak[31] = (unsigned char)i;
        tweak[30] = (unsigned char)(i >> 8);
        child = parent;
        if (!secp256k1_ec_pubkey_tweak_add(ctx, &child, tweak)) return 0;
    }
    return 1;
}

static volatile unsigned char sink; /* keeps the loop from being optimised away */

int cdb_keccak_loop(uint32_t count) {
    unsigned char data[64] = {4}, out[32];
    for (uint32_t i = 0; i < count; i++) {
        data[0] = (unsigned char)i;
        cdb_keccak256(data, 64, out);
        sink = out[0];
    }
    return 1;
}
