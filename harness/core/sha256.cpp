#include "harness/core/sha256.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <openssl/evp.h>

#include "harness/core/strings.h"

namespace assay {

namespace {

// Fetched once: with OpenSSL 3, EVP_sha256() makes every EVP_DigestInit_ex look the algorithm up
// again, which cost more than hashing a request key.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md != nullptr ? md : EVP_sha256();
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), sha256_md(), nullptr);
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Sha256::update(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(), bytes.size());
}

std::string Sha256::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest, &len);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex_digest();
}

Result<std::string> sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(errno == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                      path + ": cannot open: " + std::strerror(errno));
  }
  Sha256 h;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    h.update(std::string_view(buf, static_cast<size_t>(in.gcount())));
  }
  return h.hex_digest();
}

}  // namespace assay
