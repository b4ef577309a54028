// Counter-based random streams (Random123's Philox4x64-10).
//
// A random value is a pure function of (seed, design point, run, purpose,
// counter): never of a thread, a block or the order in which runs execute.
// That is what makes results bit-identical for any thread count or shard
// layout. Each purpose (parameter draws, strikes, ...) has its own stream,
// so adding an event type or a draw never shifts the numbers of another
// (the habit of OpenMC's STREAM_* constants).
//
// No std:: distributions: their algorithms differ between standard libraries.
// The transforms below are written out and tested.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "negsim/scenario.hpp"

namespace negsim {

/// What a stream is used for. The values are part of the output format:
/// changing one changes every result that depends on it.
enum class Purpose : std::uint64_t {
  /// The run's parameter draws: one stream per parameter, its substream the
  /// hash of the parameter's full name (model.hpp, ParamInfo).
  params = 1,
  text_noise = 2,    ///< the mediator's drafting error
  strike = 3,        ///< spoiler strikes and whether they end the talks
  snapback = 4,      ///< walk-outs provoked by a snapback
  domestic = 5,      ///< unrest and leadership changes
  ratification = 6,  ///< legislative votes
  walkout = 7,       ///< walk-outs at the reservation
  /// The stream of a mechanism added after these, its substream the hash of
  /// the mechanism's name (so adding one never moves another's numbers).
  mechanism = 8,
};

/// One stream of uniform numbers: Philox4x64-10 keyed by the seed, with the
/// counter (point, run, purpose + substream << 8, n). Copyable, no heap.
class Rng {
 public:
  /// `substream` splits a purpose further (each parameter has its own, so
  /// adding a field to one agent leaves the others' alone).
  Rng(std::uint64_t seed, std::uint64_t point, std::uint64_t run, Purpose purpose,
      std::uint32_t substream = 0);

  /// A stream of seed 0, point 0, run 0 (a placeholder to assign over).
  Rng() : Rng(0, 0, 0, Purpose::params) {}

  /// The next 64 random bits.
  std::uint64_t next_u64();
  /// Uniform on the open interval (0, 1): never 0 or 1, so log() and inverse
  /// CDFs are always finite. 53 bits of resolution.
  double uniform();
  /// Standard normal, by inversion (one uniform per draw).
  double normal();
  /// True with probability p (one uniform per call, whatever p is).
  bool bernoulli(double p) { return uniform() < p; }

  /// The raw generator, for known-answer tests.
  using Generator = r123::Philox4x64;

 private:
  Generator generator_;
  Generator::key_type key_;
  Generator::ctr_type counter_;
  Generator::ctr_type block_;
  unsigned used_ = 4;
};

/// The substream of a name (a parameter's full name, a mechanism's name):
/// 32-bit FNV-1a of its bytes (Fowler, Noll & Vo). Part of the output format.
std::uint32_t substream_of(std::string_view name);

/// Inverse of the standard normal CDF (Wichura's AS 241, relative error
/// below 1e-15). p must be in (0, 1).
double normal_quantile(double p);

/// Standard normal CDF.
double normal_cdf(double x);

/// Draws a value of `param` from one uniform u in (0, 1) by inversion, so a
/// parameter always consumes exactly one number of its stream, whether it
/// is a constant or a distribution (changing one parameter's distribution
/// leaves every other parameter's draw unchanged).
double quantile(const Param& param, double u);

/// quantile(param, rng.uniform()).
inline double sample(const Param& param, Rng& rng) { return quantile(param, rng.uniform()); }

}  // namespace negsim
