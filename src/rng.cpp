#include "negsim/rng.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <numeric>

#include "negsim/detail/overloaded.hpp"

namespace negsim {
namespace {

using detail::Overloaded;

// The key's second word tags negsim's streams, so they never coincide with
// another program's use of Philox with the same seed.
constexpr std::uint64_t kKeyTag = 0x6e65'6773'696d'0001;  // "negsim" v1

}  // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t point, std::uint64_t run, Purpose purpose,
         std::uint32_t substream) {
  key_ = {{seed, kKeyTag}};
  const std::uint64_t stream =
      static_cast<std::uint64_t>(purpose) | (static_cast<std::uint64_t>(substream) << 8);
  counter_ = {{point, run, stream, 0}};
}

std::uint64_t Rng::next_u64() {
  if (used_ == 4) {
    block_ = generator_(counter_, key_);
    ++counter_[3];
    used_ = 0;
  }
  return block_[used_++];
}

double Rng::uniform() {
  // The top 53 bits, centred in their interval: (k + 0.5) / 2^53.
  return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53;
}

double Rng::normal() { return normal_quantile(uniform()); }

std::uint32_t substream_of(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

double normal_quantile(double p) {
  // Wichura, M. J. (1988). Algorithm AS 241: The percentage points of the
  // normal distribution. Applied Statistics 37(3), 477-484. (PPND16)
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) *
                    r +
                45921.953931549871457) *
                   r +
               13731.693765509461125) *
                  r +
              1971.5909503065514427) *
                 r +
             133.14166789178437745) *
                r +
            3.387132872796366608) /
           (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) *
                    r +
                21213.794301586595867) *
                   r +
               5394.1960214247511077) *
                  r +
              687.1870074920579083) *
                 r +
             42.313330701600911252) *
                r +
            1.0);
  }
  double r = q < 0 ? p : 1.0 - p;
  r = std::sqrt(-std::log(r));
  double x;
  if (r <= 5.0) {
    r -= 1.6;
    x = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
              0.24178072517745061177) *
                 r +
             1.27045825245236838258) *
                r +
            3.64784832476320460504) *
               r +
           5.7694972214606914055) *
              r +
          4.6303378461565452959) *
             r +
         1.42343711074968357734) /
        (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
              0.0151986665636164571966) *
                 r +
             0.14810397642748007459) *
                r +
            0.68976733498510000455) *
               r +
           1.6763848301838038494) *
              r +
          2.05319162663775882187) *
             r +
         1.0);
  } else {
    r -= 5.0;
    x = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
              0.0012426609473880784386) *
                 r +
             0.026532189526576123093) *
                r +
            0.29656057182850489123) *
               r +
           1.7848265399172913358) *
              r +
          5.4637849111641143699) *
             r +
         6.6579046435011037772) /
        (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
              1.8463183175100546818e-5) *
                 r +
             7.868691311456132591e-4) *
                r +
            0.0148753612908506148525) *
               r +
           0.13692988092273580531) *
              r +
          0.59983220655588793769) *
             r +
         1.0);
  }
  return q < 0 ? -x : x;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double quantile(const Param& param, double u) {
  return std::visit(
      Overloaded{
          [](const Constant& d) { return d.value; },
          [u](const Uniform& d) { return d.min + u * (d.max - d.min); },
          [u](const Normal& d) {
            if (d.sd == 0)
              return std::clamp(d.mean, d.min.value_or(d.mean), d.max.value_or(d.mean));
            // Truncation by inversion: map u into [F(min), F(max)].
            const double lo = d.min ? normal_cdf((*d.min - d.mean) / d.sd) : 0.0;
            const double hi = d.max ? normal_cdf((*d.max - d.mean) / d.sd) : 1.0;
            const double p = std::clamp(lo + u * (hi - lo), 1e-300, 1.0 - 0x1.0p-53);
            double x = d.mean + d.sd * normal_quantile(p);
            // Rounding at the far tails must not leave the truncation bounds.
            if (d.min) x = std::max(x, *d.min);
            if (d.max) x = std::min(x, *d.max);
            return x;
          },
          [u](const Beta& d) {
            // Double precision throughout: Boost's default promotes to long
            // double, several times slower for no digit the model can use.
            using NoPromotion =
                boost::math::policies::policy<boost::math::policies::promote_float<false>,
                                              boost::math::policies::promote_double<false>>;
            return d.min + (d.max - d.min) * boost::math::ibeta_inv(d.a, d.b, u, NoPromotion());
          },
          [u](const Triangular& d) {
            const double width = d.max - d.min;
            const double split = (d.mode - d.min) / width;
            if (u < split) return d.min + std::sqrt(u * width * (d.mode - d.min));
            return d.max - std::sqrt((1 - u) * width * (d.max - d.mode));
          },
          [u](const Choice& d) {
            const std::size_t n = d.values.size();
            if (d.weights.empty()) {
              return d
                  .values[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
            }
            const double total = std::accumulate(d.weights.begin(), d.weights.end(), 0.0);
            double cumulative = 0;
            for (std::size_t i = 0; i < n; ++i) {
              cumulative += d.weights[i];
              if (u * total < cumulative) return d.values[i];
            }
            return d.values[n - 1];
          },
      },
      param.dist);
}

}  // namespace negsim
