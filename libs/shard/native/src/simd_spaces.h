// The graph's distance spaces with the widest vector instructions the CPU has, chosen
// when a graph is made. hnswlib-node's headers are compiled for the x86-64 baseline
// (SSE: four floats an instruction); building them with -mavx2 or -mavx512f would let
// the compiler put those instructions anywhere in the binding, which then dies with
// SIGILL on a CPU without them (an image built on one machine, run on another). Here
// only the distance kernels carry a `target` attribute, and a kernel is used only when
// the CPU (and the OS, which __builtin_cpu_supports checks) says it can run it.
//
// Distances are hnswlib's: inner product 1 - a·b, L2 the squared Euclidean distance.
// "sse" is hnswlib's own spaces, unchanged.
#pragma once

#include <hnswlib/hnswlib.h>

#include <immintrin.h>

#include <memory>
#include <string>
#include <vector>

namespace simd_spaces {

#if defined(__x86_64__)

// One kernel per instruction set, for both spaces: kL2 sums (a - b)², otherwise a·b.
// Two accumulators, so consecutive fused multiply-adds do not wait on each other.

template <bool kL2>
__attribute__((target("avx512f"))) inline __m512 termAvx512(const float* a, const float* b, __m512 sum, __mmask16 lanes = 0xFFFF) {
  const __m512 x = _mm512_maskz_loadu_ps(lanes, a);  // masked-off lanes are neither read nor faulted on
  const __m512 y = _mm512_maskz_loadu_ps(lanes, b);
  if constexpr (kL2) {
    const __m512 d = _mm512_sub_ps(x, y);
    return _mm512_fmadd_ps(d, d, sum);
  }
  return _mm512_fmadd_ps(x, y, sum);
}

template <bool kL2>
__attribute__((target("avx512f"))) float distanceAvx512(const void* pa, const void* pb, const void* param) {
  const float* a = static_cast<const float*>(pa);
  const float* b = static_cast<const float*>(pb);
  const size_t dim = *static_cast<const size_t*>(param);
  __m512 s0 = _mm512_setzero_ps();
  __m512 s1 = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    s0 = termAvx512<kL2>(a + i, b + i, s0);
    s1 = termAvx512<kL2>(a + i + 16, b + i + 16, s1);
  }
  if (i + 16 <= dim) {
    s0 = termAvx512<kL2>(a + i, b + i, s0);
    i += 16;
  }
  if (i < dim) s1 = termAvx512<kL2>(a + i, b + i, s1, static_cast<__mmask16>((1u << (dim - i)) - 1));
  const float sum = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
  return kL2 ? sum : 1.0f - sum;
}

template <bool kL2>
__attribute__((target("avx2,fma"))) inline __m256 termAvx2(const float* a, const float* b, __m256 sum) {
  const __m256 x = _mm256_loadu_ps(a);
  const __m256 y = _mm256_loadu_ps(b);
  if constexpr (kL2) {
    const __m256 d = _mm256_sub_ps(x, y);
    return _mm256_fmadd_ps(d, d, sum);
  }
  return _mm256_fmadd_ps(x, y, sum);
}

__attribute__((target("avx2,fma"))) inline float horizontalSum(__m256 v) {
  const __m128 half = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 pairs = _mm_add_ps(half, _mm_movehl_ps(half, half));
  return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1)));
}

template <bool kL2>
__attribute__((target("avx2,fma"))) float distanceAvx2(const void* pa, const void* pb, const void* param) {
  const float* a = static_cast<const float*>(pa);
  const float* b = static_cast<const float*>(pb);
  const size_t dim = *static_cast<const size_t*>(param);
  __m256 s0 = _mm256_setzero_ps();
  __m256 s1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    s0 = termAvx2<kL2>(a + i, b + i, s0);
    s1 = termAvx2<kL2>(a + i + 8, b + i + 8, s1);
  }
  if (i + 8 <= dim) {
    s0 = termAvx2<kL2>(a + i, b + i, s0);
    i += 8;
  }
  float sum = horizontalSum(_mm256_add_ps(s0, s1));
  for (; i < dim; i++) sum += kL2 ? (a[i] - b[i]) * (a[i] - b[i]) : a[i] * b[i];
  return kL2 ? sum : 1.0f - sum;
}

#endif

// A space whose distance is one of the kernels above.
class KernelSpace : public hnswlib::SpaceInterface<float> {
 public:
  KernelSpace(size_t dim, hnswlib::DISTFUNC<float> distance) : dim_(dim), distance_(distance) {}
  size_t get_data_size() override { return dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
  hnswlib::DISTFUNC<float> distance_;
};

// The instruction sets this CPU can run the kernels of, widest first; "sse" is always there.
inline std::vector<std::string> supportedLevels() {
  std::vector<std::string> levels;
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) levels.push_back("avx512");
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) levels.push_back("avx2");
#endif
  levels.push_back("sse");
  return levels;
}

// The space for `space` ("l2" or "ip") with the kernels of `level` (one of supportedLevels()).
inline std::unique_ptr<hnswlib::SpaceInterface<float>> makeSpace(const std::string& space, size_t dim, const std::string& level) {
  const bool ip = space == "ip";
#if defined(__x86_64__)
  if (level == "avx512") return std::make_unique<KernelSpace>(dim, ip ? distanceAvx512<false> : distanceAvx512<true>);
  if (level == "avx2") return std::make_unique<KernelSpace>(dim, ip ? distanceAvx2<false> : distanceAvx2<true>);
#endif
  if (ip) return std::make_unique<hnswlib::InnerProductSpace>(dim);
  return std::make_unique<hnswlib::L2Space>(dim);
}

}  // namespace simd_spaces
