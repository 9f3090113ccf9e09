#include "results/stored_text.h"

#include <zlib.h>

#include <cstdint>

namespace assay {

std::string compress_text(std::string_view text) {
  uLongf bound = compressBound(static_cast<uLong>(text.size()));
  std::string out(8 + bound, '\0');
  uint64_t n = text.size();
  for (int i = 0; i < 8; ++i)
    out[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data() + 8), &bound,
                           reinterpret_cast<const Bytef*>(text.data()),
                           static_cast<uLong>(text.size()), Z_DEFAULT_COMPRESSION);
  // compressBound() is enough by zlib's contract; only memory exhaustion fails here.
  if (rc != Z_OK) return std::string();
  out.resize(8 + bound);
  return out;
}

Result<std::string> decompress_text(std::string_view packed) {
  if (packed.size() < 8) {
    return make_error(ErrorKind::kIo, "a compressed text is shorter than its header");
  }
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) {
    n = (n << 8) | static_cast<unsigned char>(packed[static_cast<size_t>(i)]);
  }
  if (n > (uint64_t{1} << 32)) {
    return make_error(ErrorKind::kIo, "a compressed text claims " + std::to_string(n) + " bytes");
  }
  std::string out(static_cast<size_t>(n), '\0');
  uLongf size = static_cast<uLongf>(n);
  const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                            reinterpret_cast<const Bytef*>(packed.data() + 8),
                            static_cast<uLong>(packed.size() - 8));
  if (rc != Z_OK || size != n) {
    return make_error(ErrorKind::kIo, "a compressed text does not decompress (zlib error " +
                                          std::to_string(rc) + ")");
  }
  return out;
}

}  // namespace assay
