// NexmarkGenerator: the events of the Nexmark benchmark (people, auctions and
// bids of an online auction site), following the generator model of the
// Nexmark suite as Apache Beam and Flink's nexmark project describe it.
//
// Events are numbered 0, 1, 2, ... (the source's offsets). Event number n
// has an *event id* a(n): n itself, or with out-of-order groups of size g a
// permutation within each whole group, a(n) = g*floor(n/g) + (953*n mod g)
// (the last, partial group stays in order, so the ids of any prefix of the
// stream are exactly 0..N-1). Everything about an event follows from its id
// and the seed alone (a small random generator seeded with both), so any
// range of events can be generated on its own: partitions are contiguous
// ranges of event numbers, generated a chunk at a time.
//
// The model (the defaults; each is an option of the source):
//   - type from the id: with proportions person:auction:bid = 1:3:46, of
//     every 50 consecutive ids the first is a person, the next three
//     auctions, the other 46 bids;
//   - ids: a person's id is 1000 + the number of people before it, an
//     auction's 1000 + the number of auctions before it;
//   - a bid's auction: with probability 1 - 1/hotAuctionRatio (2) a hot one
//     (the first of the last block of 100 auctions), else one of the last
//     numInFlightAuctions (100) auctions or up to 10 ahead; its bidder: with
//     probability 1 - 1/hotBiddersRatio (4) a hot one (the second of the last
//     block of 100 people), else one of the last numActivePeople (1000)
//     people or up to 10 ahead; an auction's seller likewise (hotSellersRatio
//     4, the first of the block);
//   - event time: baseTime + floor(id * 1000 / eventsPerSecond) ms (whole
//     milliseconds, so that the JSON written to Kafka, which carries
//     milliseconds, holds the same times); eventsPerSecond 0 spaces events
//     as at 10,000 per second (Beam's default first event rate);
//   - an auction expires 1 + r ms after it opens, r uniform below twice the
//     event time it takes to open numInFlightAuctions more auctions;
//   - prices round(100 * 10^(6u)) cents, u uniform in [0, 1); reserve =
//     initial bid + another such price; category 10..14;
//   - vocabularies: people's names (first and last names), US cities and
//     states, four hot channels (Google, Facebook, Baidu, Apple; half the
//     bids) with one URL each, else channel-<c> for c < 10000 with a URL
//     carrying channel_id; random lower-case strings elsewhere;
//   - sizes: the `extra` field pads each event's field bytes (as Beam
//     counts them: 8 per number, the strings' lengths) to an average of 200
//     (person), 500 (auction) and 100 (bid) bytes, +-20%.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vector/vector.h"

namespace sluice {

struct NexmarkConfig {
  uint64_t seed = 0;
  // Event-time rate (and, in the source, the live generation rate); 0: as
  // fast as possible, event time as at kDefaultEventTimeRate.
  int64_t events_per_second = 0;
  int64_t base_time_ms = 1767225600000;  // 2026-01-01 00:00:00 UTC
  int64_t out_of_order_group_size = 1;
  // Events in the stream (0: unbounded): the last, partial out-of-order
  // group stays in order.
  int64_t num_events = 0;
  int64_t person_proportion = 1;
  int64_t auction_proportion = 3;
  int64_t bid_proportion = 46;
  int64_t num_active_people = 1000;
  int64_t num_in_flight_auctions = 100;
  int64_t hot_auction_ratio = 2;
  int64_t hot_sellers_ratio = 4;
  int64_t hot_bidders_ratio = 4;
  int64_t avg_person_bytes = 200;
  int64_t avg_auction_bytes = 500;
  int64_t avg_bid_bytes = 100;
  int partitions = 1;

  static constexpr int64_t kDefaultEventTimeRate = 10000;
  static constexpr int64_t kFirstPersonId = 1000;
  static constexpr int64_t kFirstAuctionId = 1000;
  static constexpr int64_t kFirstCategoryId = 10;
  static constexpr int64_t kNumCategories = 5;
  // People and auctions a cold reference may point past the last one.
  static constexpr int64_t kPersonIdLead = 10;
  static constexpr int64_t kAuctionIdLead = 10;
  // Hot sellers, bidders and auctions are the first (bidders: second) of
  // blocks of this many.
  static constexpr int64_t kHotBlock = 100;
  static constexpr int64_t kNumChannels = 10000;
  // The out-of-order permutation's multiplier: a group size must not be a
  // multiple of it (953 is prime).
  static constexpr int64_t kOutOfOrderMultiplier = 953;

  int64_t denominator() const { return person_proportion + auction_proportion + bid_proportion; }
};

// Event types (the event_type column).
enum NexmarkEventType : int32_t { kNexmarkPerson = 0, kNexmarkAuction = 1, kNexmarkBid = 2 };

class NexmarkGenerator {
 public:
  // Column indices of NexmarkSchema().
  static constexpr int kEventTypeColumn = 0;
  static constexpr int kPersonColumn = 1;
  static constexpr int kAuctionColumn = 2;
  static constexpr int kBidColumn = 3;

  explicit NexmarkGenerator(NexmarkConfig config) : config_(config) {}
  const NexmarkConfig& config() const { return config_; }

  // First event number of partition p (0 <= p <= partitions) of [from, to).
  int64_t PartitionStart(int64_t from, int64_t to, int p) const;
  // The event id of event number n (a permutation within out-of-order groups).
  int64_t EventId(int64_t n) const;
  NexmarkEventType TypeOf(int64_t event_id) const;
  // Event time of an event id, in milliseconds since the epoch.
  int64_t TimestampMillis(int64_t event_id) const;

  // Events [first, first + n) as a batch of `columns` (indices into
  // NexmarkSchema(), in that order). With `only_type` >= 0, only the events
  // of that type are generated (the rows of the others are left out).
  Batch Generate(int64_t first, size_t n, const std::vector<int>& columns, int only_type = -1) const;

 private:
  int64_t LastBase0PersonId(int64_t event_id) const;
  int64_t LastBase0AuctionId(int64_t event_id) const;
  NexmarkConfig config_;
};

// event_type INT, person STRUCT<...>, auction STRUCT<...>, bid STRUCT<...>.
Schema NexmarkSchema();

}  // namespace sluice
