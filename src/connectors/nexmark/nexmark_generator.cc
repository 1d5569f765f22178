#include "connectors/nexmark/nexmark_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace sluice {

namespace {

// splitmix64's finaliser: a well-mixed 64-bit value from any input.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The random numbers of one event: a splitmix64 stream seeded by the seed
// and the event id, so an event is the same whoever generates it.
class EventRandom {
 public:
  EventRandom(uint64_t seed, uint64_t id) : state_(Mix64(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) ^ id) {}
  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return Mix64(state_);
  }
  // Uniform in [0, bound), bound > 0.
  int64_t Below(int64_t bound) {
    return static_cast<int64_t>((static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(bound)) >> 64);
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

constexpr std::array<std::string_view, 11> kFirstNames = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                                         "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::array<std::string_view, 9> kLastNames = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                                        "Walton", "Smith",  "Jones",   "Noris"};
constexpr std::array<std::string_view, 6> kStates = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::array<std::string_view, 10> kCities = {"Phoenix",  "Los Angeles", "San Francisco", "Boise", "Portland",
                                                      "Bend",     "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
constexpr std::array<std::string_view, 4> kHotChannels = {"Google", "Facebook", "Baidu", "Apple"};

// Random text is cut from one fixed pool: lower-case letters with a space
// about every 13th character (the generator's strings), so a string costs a
// copy, not a random draw per character.
constexpr size_t kPoolSize = size_t{1} << 16;
constexpr size_t kMaxCut = 2048;

const std::string& TextPool() {
  static const std::string* pool = [] {
    auto* s = new std::string(kPoolSize + kMaxCut, 'a');
    EventRandom r(0x6E65786D61726BULL, 0);
    for (char& c : *s) c = r.Below(13) == 0 ? ' ' : static_cast<char>('a' + r.Below(26));
    return s;
  }();
  return *pool;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// A string of 3 to max_len - 1 characters, trimmed (Beam's nextString).
std::string_view NextString(EventRandom& r, int64_t max_len) {
  int64_t len = 3 + r.Below(max_len - 3);
  return Trim(std::string_view(TextPool()).substr(static_cast<size_t>(r.Below(kPoolSize)), static_cast<size_t>(len)));
}

std::string_view ExactString(EventRandom& r, int64_t len) {
  len = std::clamp<int64_t>(len, 0, kMaxCut);
  return std::string_view(TextPool()).substr(static_cast<size_t>(r.Below(kPoolSize)), static_cast<size_t>(len));
}

// Padding that brings an event of `current` bytes to about `average` (+-20%).
std::string_view NextExtra(EventRandom& r, int64_t current, int64_t average) {
  if (current >= average) return {};
  int64_t want = average - current;
  int64_t delta = (want * 2 + 5) / 10;  // round(want * 0.2)
  int64_t size = want - delta + (delta == 0 ? 0 : r.Below(2 * delta));
  return ExactString(r, size);
}

int64_t NextPrice(EventRandom& r) { return std::llround(std::pow(10.0, r.Unit() * 6.0) * 100.0); }

// "https://www.nexmark.com/<a>/<b>/<c>/item.htm?query=1", a..c 3-4 random
// letters or '_'.
std::string BaseUrl(EventRandom& r) {
  std::string url = "https://www.nexmark.com/";
  for (int k = 0; k < 3; ++k) {
    int64_t len = 3 + r.Below(2);
    for (int64_t i = 0; i < len; ++i) url += r.Below(13) == 0 ? '_' : static_cast<char>('a' + r.Below(26));
    url += '/';
  }
  return url + "item.htm?query=1";
}

struct Channels {
  std::vector<std::string> hot_urls;
  std::vector<std::string> names;  // channel-<c>
  std::vector<std::string> urls;   // base URL + &channel_id=<c>
};

const Channels& ChannelTable() {
  static const Channels* table = [] {
    auto* t = new Channels();
    for (size_t i = 0; i < kHotChannels.size(); ++i) {
      EventRandom r(0x686F74ULL, i);
      t->hot_urls.push_back(BaseUrl(r));
    }
    t->names.reserve(NexmarkConfig::kNumChannels);
    t->urls.reserve(NexmarkConfig::kNumChannels);
    for (int64_t c = 0; c < NexmarkConfig::kNumChannels; ++c) {
      EventRandom r(0x6368616E6E656CULL, static_cast<uint64_t>(c));
      t->names.push_back("channel-" + std::to_string(c));
      t->urls.push_back(BaseUrl(r) + "&channel_id=" + std::to_string(c));
    }
    return t;
  }();
  return *table;
}

// Column writers of one STRUCT vector being filled row by row.
struct StructOut {
  Vector* v = nullptr;
  void Int64(size_t field, size_t row, int64_t x) { v->child(field).data<int64_t>()[row] = x; }
  void Str(size_t field, size_t row, std::string_view s) { v->child(field).SetString(row, s); }
  void Null(size_t row) {
    v->SetNull(row);
    for (size_t f = 0; f < v->num_children(); ++f) v->child(f).SetNull(row);
  }
};

// Person fields: id, name, emailAddress, creditCard, city, state, dateTime, extra.
// Auction fields: id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra.
// Bid fields: auction, bidder, price, channel, url, dateTime, extra.

}  // namespace

Schema NexmarkSchema() {
  DataType person = DataType::Struct({{"id", DataType::Bigint(), false},
                                      {"name", DataType::String(), false},
                                      {"emailAddress", DataType::String(), false},
                                      {"creditCard", DataType::String(), false},
                                      {"city", DataType::String(), false},
                                      {"state", DataType::String(), false},
                                      {"dateTime", DataType::Timestamp(), false},
                                      {"extra", DataType::String(), false}});
  DataType auction = DataType::Struct({{"id", DataType::Bigint(), false},
                                       {"itemName", DataType::String(), false},
                                       {"description", DataType::String(), false},
                                       {"initialBid", DataType::Bigint(), false},
                                       {"reserve", DataType::Bigint(), false},
                                       {"dateTime", DataType::Timestamp(), false},
                                       {"expires", DataType::Timestamp(), false},
                                       {"seller", DataType::Bigint(), false},
                                       {"category", DataType::Bigint(), false},
                                       {"extra", DataType::String(), false}});
  DataType bid = DataType::Struct({{"auction", DataType::Bigint(), false},
                                   {"bidder", DataType::Bigint(), false},
                                   {"price", DataType::Bigint(), false},
                                   {"channel", DataType::String(), false},
                                   {"url", DataType::String(), false},
                                   {"dateTime", DataType::Timestamp(), false},
                                   {"extra", DataType::String(), false}});
  return Schema({{"event_type", DataType::Int(), false},
                 {"person", person, true},
                 {"auction", auction, true},
                 {"bid", bid, true}});
}

int64_t NexmarkGenerator::PartitionStart(int64_t from, int64_t to, int p) const {
  int64_t parts = std::max(1, config_.partitions);
  int64_t total = std::max<int64_t>(0, to - from);
  int64_t q = total / parts, r = total % parts;
  return from + q * p + r * p / parts;
}

int64_t NexmarkGenerator::EventId(int64_t n) const {
  int64_t g = config_.out_of_order_group_size;
  if (g <= 1) return n;
  int64_t base = (n / g) * g;
  if (config_.num_events > 0 && base > config_.num_events - g) return n;  // a partial last group
  // (953 * n) mod g without overflow: n mod g first.
  return base + static_cast<int64_t>((static_cast<unsigned __int128>(n % g) * NexmarkConfig::kOutOfOrderMultiplier) %
                                     static_cast<uint64_t>(g));
}

NexmarkEventType NexmarkGenerator::TypeOf(int64_t event_id) const {
  int64_t rem = event_id % config_.denominator();
  if (rem < config_.person_proportion) return kNexmarkPerson;
  if (rem < config_.person_proportion + config_.auction_proportion) return kNexmarkAuction;
  return kNexmarkBid;
}

int64_t NexmarkGenerator::TimestampMillis(int64_t id) const {
  int64_t eps = config_.events_per_second > 0 ? config_.events_per_second : NexmarkConfig::kDefaultEventTimeRate;
  return config_.base_time_ms + (id / eps) * 1000 + (id % eps) * 1000 / eps;
}

int64_t NexmarkGenerator::LastBase0PersonId(int64_t id) const {
  int64_t epoch = id / config_.denominator(), offset = id % config_.denominator();
  if (offset >= config_.person_proportion) offset = config_.person_proportion - 1;
  return epoch * config_.person_proportion + offset;
}

int64_t NexmarkGenerator::LastBase0AuctionId(int64_t id) const {
  int64_t epoch = id / config_.denominator(), offset = id % config_.denominator();
  if (offset < config_.person_proportion) {
    --epoch;
    offset = config_.auction_proportion - 1;
  } else if (offset >= config_.person_proportion + config_.auction_proportion) {
    offset = config_.auction_proportion - 1;
  } else {
    offset -= config_.person_proportion;
  }
  return epoch * config_.auction_proportion + offset;
}

Batch NexmarkGenerator::Generate(int64_t first, size_t n, const std::vector<int>& columns, int only_type) const {
  static const Schema* schema = new Schema(NexmarkSchema());
  std::vector<Vector> out;
  out.reserve(columns.size());
  Vector* type_col = nullptr;
  StructOut person, auction, bid;
  for (int c : columns) out.emplace_back(schema->field(static_cast<size_t>(c)).type, n);
  for (size_t k = 0; k < columns.size(); ++k) {
    switch (columns[k]) {
      case kEventTypeColumn: type_col = &out[k]; break;
      case kPersonColumn: person.v = &out[k]; break;
      case kAuctionColumn: auction.v = &out[k]; break;
      case kBidColumn: bid.v = &out[k]; break;
      default: break;
    }
  }
  const Channels& channels = ChannelTable();
  // Event number of the auction numInFlightAuctions ahead, for auction lengths.
  const int64_t events_for_auctions =
      config_.auction_proportion > 0
          ? config_.num_in_flight_auctions * config_.denominator() / config_.auction_proportion
          : 0;
  auto next_person = [&](int64_t id, EventRandom& r) {
    // One of the last numActivePeople people, or up to kPersonIdLead ahead.
    int64_t num_people = LastBase0PersonId(id) + 1;
    int64_t active = std::min(num_people, config_.num_active_people);
    return num_people - active + r.Below(active + NexmarkConfig::kPersonIdLead);
  };
  size_t row = 0;
  for (size_t i = 0; i < n; ++i) {
    int64_t id = EventId(first + static_cast<int64_t>(i));
    NexmarkEventType type = TypeOf(id);
    if (only_type >= 0 && type != only_type) continue;
    if (type_col) type_col->data<int32_t>()[row] = type;
    int64_t ts_us = TimestampMillis(id) * 1000;
    EventRandom r(config_.seed, static_cast<uint64_t>(id));
    if (type == kNexmarkPerson && person.v) {
      std::string name;
      name.reserve(24);
      name.append(kFirstNames[static_cast<size_t>(r.Below(kFirstNames.size()))]);
      name += ' ';
      name.append(kLastNames[static_cast<size_t>(r.Below(kLastNames.size()))]);
      std::string email(NextString(r, 7));
      email += '@';
      email.append(NextString(r, 5));
      email += ".com";
      char card[19];
      for (int g = 0; g < 4; ++g) {
        int64_t d = r.Below(10000);
        for (int j = 3; j >= 0; --j, d /= 10) card[g * 5 + j] = static_cast<char>('0' + d % 10);
        if (g < 3) card[g * 5 + 4] = ' ';
      }
      std::string_view city = kCities[static_cast<size_t>(r.Below(kCities.size()))];
      std::string_view state = kStates[static_cast<size_t>(r.Below(kStates.size()))];
      int64_t size = 8 + static_cast<int64_t>(name.size() + email.size() + sizeof(card) + city.size() + state.size());
      person.Int64(0, row, LastBase0PersonId(id) + NexmarkConfig::kFirstPersonId);
      person.Str(1, row, name);
      person.Str(2, row, email);
      person.Str(3, row, std::string_view(card, sizeof(card)));
      person.Str(4, row, city);
      person.Str(5, row, state);
      person.Int64(6, row, ts_us);
      person.Str(7, row, NextExtra(r, size, config_.avg_person_bytes));
    } else if (type == kNexmarkAuction && auction.v) {
      int64_t seller;
      if (r.Below(config_.hot_sellers_ratio) > 0) {
        seller = (LastBase0PersonId(id) / NexmarkConfig::kHotBlock) * NexmarkConfig::kHotBlock;
      } else {
        seller = next_person(id, r);
      }
      int64_t category = NexmarkConfig::kFirstCategoryId + r.Below(NexmarkConfig::kNumCategories);
      int64_t initial = NextPrice(r);
      int64_t ts_ms = TimestampMillis(id);
      int64_t horizon = TimestampMillis(id + events_for_auctions) - ts_ms;
      int64_t expires = ts_ms + 1 + r.Below(std::max<int64_t>(horizon * 2, 1));
      std::string_view item = NextString(r, 20);
      std::string_view desc = NextString(r, 100);
      int64_t reserve = initial + NextPrice(r);
      int64_t size = 8 + static_cast<int64_t>(item.size() + desc.size()) + 8 * 5;
      auction.Int64(0, row, LastBase0AuctionId(id) + NexmarkConfig::kFirstAuctionId);
      auction.Str(1, row, item);
      auction.Str(2, row, desc);
      auction.Int64(3, row, initial);
      auction.Int64(4, row, reserve);
      auction.Int64(5, row, ts_us);
      auction.Int64(6, row, expires * 1000);
      auction.Int64(7, row, seller + NexmarkConfig::kFirstPersonId);
      auction.Int64(8, row, category);
      auction.Str(9, row, NextExtra(r, size, config_.avg_auction_bytes));
    } else if (type == kNexmarkBid && bid.v) {
      int64_t last_auction = LastBase0AuctionId(id);
      int64_t a;
      if (r.Below(config_.hot_auction_ratio) > 0) {
        a = (last_auction / NexmarkConfig::kHotBlock) * NexmarkConfig::kHotBlock;
      } else {
        int64_t lo = std::max<int64_t>(last_auction - config_.num_in_flight_auctions, 0);
        a = lo + r.Below(last_auction - lo + 1 + NexmarkConfig::kAuctionIdLead);
      }
      int64_t bidder;
      if (r.Below(config_.hot_bidders_ratio) > 0) {
        bidder = (LastBase0PersonId(id) / NexmarkConfig::kHotBlock) * NexmarkConfig::kHotBlock + 1;
      } else {
        bidder = next_person(id, r);
      }
      int64_t price = NextPrice(r);
      std::string_view channel, url;
      if (r.Below(2) > 0) {
        size_t h = static_cast<size_t>(r.Below(kHotChannels.size()));
        channel = kHotChannels[h];
        url = channels.hot_urls[h];
      } else {
        size_t c = static_cast<size_t>(r.Below(NexmarkConfig::kNumChannels));
        channel = channels.names[c];
        url = channels.urls[c];
      }
      bid.Int64(0, row, a + NexmarkConfig::kFirstAuctionId);
      bid.Int64(1, row, bidder + NexmarkConfig::kFirstPersonId);
      bid.Int64(2, row, price);
      bid.Str(3, row, channel);
      bid.Str(4, row, url);
      bid.Int64(5, row, ts_us);
      bid.Str(6, row, NextExtra(r, 32, config_.avg_bid_bytes));
    }
    if (person.v && type != kNexmarkPerson) person.Null(row);
    if (auction.v && type != kNexmarkAuction) auction.Null(row);
    if (bid.v && type != kNexmarkBid) bid.Null(row);
    ++row;
  }
  if (row != n) {
    for (auto& v : out) v.Resize(row);
  }
  return Batch(std::move(out), row);
}

}  // namespace sluice
