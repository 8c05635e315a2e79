#ifndef C_DERIVATION_BASELINE_H
#define C_DERIVATION_BASELINE_H

#include <stdint.h>

/* The floor the Swift deriver is measured against: plain C over the same libraries
 * (OpenSSL HMAC-SHA512, libsecp256k1 tweak-add) with a straightforward Keccak-256.
 * Each function loops `count` times and returns 1 on success. */

/* BIP32 CKDpub + Ethereum address + EIP-55, for indexes first..first+count-1.
 * Writes the last address ("0x" + 40 chars + NUL) to last_address. */
int cdb_evm_addresses(const unsigned char parent_pub33[33], const unsigned char chain_code[32],
                      uint32_t first, uint32_t count, char last_address[43]);

/* The pieces alone, to see where the time goes. */
int cdb_hmac_sha512_loop(const unsigned char chain_code[32], uint32_t count);
int cdb_tweak_add_loop(const unsigned char parent_pub33[33], uint32_t count);
int cdb_keccak_loop(uint32_t count);

/* Keccak-256 of one buffer, so the benchmark can check C and Swift agree. */
void cdb_keccak256(const unsigned char *data, uint64_t length, unsigned char out[32]);

#endif
