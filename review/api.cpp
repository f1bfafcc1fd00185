// The review station's JSON API: the queue, one document with its evidence
// and candidates, its pages as images, the patient index, finding a filed
// document, and the decisions (Store::decide, as the terminal commands).
// Every answer that shows patient data is audited first.
#include <algorithm>
#include <cctype>
#include <set>

#include "review/page_image.h"
#include "review/station_internal.h"

namespace chartroom::review::detail {

namespace {

using nlohmann::json;
using indexer::DocumentRow;

json or_null(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

json summary_json(const DocumentRow& d) {
  json out = {{"id", d.id},
              {"state", document_state_name(d.state)},
              {"pages", d.pages},
              {"batch", d.batch},
              {"created_at", d.created_at},
              {"reasons", d.review_reasons},
              {"kinds", indexer::review_kinds_of(d)},
              {"patient", nullptr},
              {"type", nullptr},
              {"decided_by", or_null(d.decided_by)}};
  if (d.patient) out["patient"] = {{"mrn", d.patient->mrn}, {"confidence", d.patient->confidence}};
  if (d.doc_type) out["type"] = {{"label", d.doc_type->label}, {"confidence", d.doc_type->confidence}};
  return out;
}

json patient_json(const Patient& p) {
  return {{"mrn", p.mrn},
          {"family_name", p.family_name},
          {"given_name", p.given_name},
          {"middle_name", p.middle_name},
          {"birth_date", p.birth_date},
          {"sex", std::string(1, p.sex)}};
}

std::vector<std::string> mrns_of(const std::vector<DocumentRow>& docs) {
  std::vector<std::string> out;
  for (const DocumentRow& d : docs) {
    if (d.patient && std::ranges::find(out, d.patient->mrn) == out.end()) out.push_back(d.patient->mrn);
  }
  return out;
}

std::optional<DocumentRow> find_document(Context& ctx, httplib::Response& res, const std::string& id) {
  auto doc = ctx.store.document(id);
  if (!doc) {
    send_error(res, 500, doc.error().message);
    return std::nullopt;
  }
  if (!doc->has_value()) {
    send_error(res, 404, "There is no document " + id + ".");
    return std::nullopt;
  }
  return **doc;
}

// GET /api/queue?kind=K&offset=N: a page of the queue, oldest first, and the count of each kind.
void queue(Context& ctx, const Session& session, const httplib::Request& req, httplib::Response& res) {
  indexer::QueueQuery query;
  query.kind = req.get_param_value("kind");
  query.limit = 50;
  query.offset = req.has_param("offset") ? std::atoi(req.get_param_value("offset").c_str()) : 0;
  auto docs = ctx.store.review_queue(query);
  auto counts = ctx.store.review_counts();
  if (!docs || !counts) {
    send_error(res, docs ? 500 : 400, (docs ? counts.error() : docs.error()).message);
    return;
  }
  json kinds = json::object();
  json order = json::array();  // the order to show them in
  for (const auto& [kind, n] : counts->kinds) {
    kinds[kind] = n;
    order.push_back(kind);
  }
  json list = json::array();
  for (const DocumentRow& d : *docs) list.push_back(summary_json(d));
  if (!audited(ctx, session, res, "review list", "",
               "review station: " + std::to_string(docs->size()) + " shown" +
                   (query.kind.empty() ? "" : " (" + query.kind + ")"),
               mrns_of(*docs))) {
    return;
  }
  send_json(res, 200, {{"total", counts->total}, {"counts", kinds}, {"kinds", order}, {"kind", query.kind},
                       {"offset", query.offset}, {"limit", query.limit}, {"documents", list}});
}

// The candidates of the evidence with their index entries beside them.
json candidates(Context& ctx, const json& evidence, std::vector<std::string>& patients) {
  json out = json::array();
  if (!evidence.contains("candidates") || !evidence["candidates"].is_array()) return out;
  for (const json& c : evidence["candidates"]) {
    if (!c.is_object() || !c.contains("mrn") || !c["mrn"].is_string()) continue;
    json entry = c;
    auto p = ctx.store.patient_by_mrn(c["mrn"].get<std::string>());
    entry["patient"] = p && p->has_value() ? patient_json(**p) : json();
    patients.push_back(c["mrn"].get<std::string>());
    out.push_back(std::move(entry));
    if (out.size() == 3) break;
  }
  return out;
}

// GET /api/document/ID: everything the reviewer's screen shows of one document.
void document(Context& ctx, const Session& session, const httplib::Request& req, httplib::Response& res) {
  auto doc = find_document(ctx, res, req.matches[1]);
  if (!doc) return;
  json evidence = json::parse(doc->evidence_json, nullptr, false);
  if (!evidence.is_object()) evidence = json::object();
  std::vector<std::string> patients;
  if (doc->patient) patients.push_back(doc->patient->mrn);
  json out = summary_json(*doc);
  out["revision"] = doc->revision;
  out["merged_into"] = or_null(doc->merged_into);
  out["identifiers"] = evidence.value("identifiers", json::array());
  out["page_sizes"] = evidence.value("page_sizes", json::array());
  out["types"] = evidence.value("types", json::array());
  out["boundary"] = evidence.value("boundary", json::object());
  out["candidates"] = candidates(ctx, evidence, patients);
  if (doc->patient) {
    auto p = ctx.store.patient_by_mrn(doc->patient->mrn);
    out["patient_entry"] = p && p->has_value() ? patient_json(**p) : json();
  }
  json history = json::array();
  if (auto rows = ctx.store.document_history(doc->id)) {
    for (const indexer::HistoryRow& h : *rows) {
      history.push_back({{"at", h.at}, {"by", h.actor}, {"action", h.action}, {"from_mrn", or_null(h.from_mrn)},
                         {"to_mrn", or_null(h.to_mrn)}, {"from_state", or_null(h.from_state)},
                         {"to_state", or_null(h.to_state)}, {"detail", h.detail}, {"reason", h.reason}});
      if (h.from_mrn) patients.push_back(*h.from_mrn);
    }
  }
  out["history"] = history;
  json neighbours = json::array();
  if (auto rows = ctx.store.batch_documents(doc->batch, 200)) {
    for (const DocumentRow& n : *rows) neighbours.push_back(summary_json(n));
    for (const std::string& m : mrns_of(*rows)) patients.push_back(m);
  }
  out["neighbours"] = neighbours;
  out["type_labels"] = ctx.options.type_labels;
  std::ranges::sort(patients);
  patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
  if (!audited(ctx, session, res, "show", doc->id, "review station", patients)) return;
  send_json(res, 200, out);
}

// GET /api/document/ID/page/K?dpi=N: the page as the PDF holds it, as a PNG.
void page_image(Context& ctx, const Session& session, const httplib::Request& req, httplib::Response& res) {
  auto doc = find_document(ctx, res, req.matches[1]);
  if (!doc) return;
  const int page = std::atoi(std::string(req.matches[2]).c_str());
  const int dpi = req.has_param("dpi") ? std::atoi(req.get_param_value("dpi").c_str()) : 100;
  auto png = render_page_png(ctx.store.root() / doc->pdf, page, dpi);
  if (!png) {
    send_error(res, png.error().code == ErrorCode::kNotFound ? 404 : 500, png.error().message);
    return;
  }
  if (!audited(ctx, session, res, "show page", doc->id, "page " + std::to_string(page) + ", review station",
               doc->patient ? std::vector<std::string>{doc->patient->mrn} : std::vector<std::string>{})) {
    return;
  }
  res.set_content(std::move(*png), "image/png");
}

bool is_date(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' &&
         std::ranges::all_of(s, [](char c) { return c == '-' || std::isdigit(static_cast<unsigned char>(c)); });
}

// POST /api/patients {"query": "DOE, JANE" | "1980-02-29" | "00012345"}: the patient index.
void patients(Context& ctx, const Session& session, const httplib::Request& req, httplib::Response& res) {
  const std::string query = trim(body_json(req).value("query", ""));
  if (query.size() < 2) {
    send_error(res, 400, "Type at least two characters: a family name, a date of birth (YYYY-MM-DD) or an MRN.");
    return;
  }
  std::vector<Patient> found;
  if (auto p = ctx.store.patient_by_mrn(query); p && p->has_value()) found.push_back(**p);
  if (is_date(query)) {
    if (auto ps = ctx.store.patients_by_birth_date(query, 20)) found.insert(found.end(), ps->begin(), ps->end());
  } else {
    const std::string family = to_upper_ascii(trim(query.substr(0, query.find(','))));
    const std::string given = query.find(',') == std::string::npos ? "" : to_upper_ascii(trim(query.substr(query.find(',') + 1)));
    if (auto ps = ctx.store.patients_by_family_name(family, 50)) {
      for (const Patient& p : *ps) {
        if (given.empty() || to_upper_ascii(p.given_name).starts_with(given)) found.push_back(p);
      }
    }
  }
  json list = json::array();
  std::vector<std::string> mrns;
  for (const Patient& p : found) {
    if (std::ranges::find(mrns, p.mrn) != mrns.end() || list.size() >= 20) continue;
    mrns.push_back(p.mrn);
    list.push_back(patient_json(p));
  }
  if (!audited(ctx, session, res, "patients search", "", "review station: " + std::to_string(list.size()) + " shown",
               mrns)) {
    return;
  }
  send_json(res, 200, {{"patients", list}});
}

// POST /api/find {"query": MRN | document id (4+ characters) | words}: filed
// documents, to correct a misfile.
void find(Context& ctx, const Session& session, const httplib::Request& req, httplib::Response& res) {
  const std::string query = trim(body_json(req).value("query", ""));
  if (query.size() < 2) {
    send_error(res, 400, "Type an MRN, the first characters of a document id, or words from the document.");
    return;
  }
  std::vector<DocumentRow> docs;
  std::set<std::string> seen;
  auto add = [&](const DocumentRow& d) {
    if (seen.insert(d.id).second && docs.size() < 50) docs.push_back(d);
  };
  if (auto p = ctx.store.patient_by_mrn(query); p && p->has_value()) {
    if (auto rows = ctx.store.patient_documents(query, 50)) std::ranges::for_each(*rows, add);
  }
  if (auto id = ctx.store.resolve_document_id(query)) {
    if (auto d = ctx.store.document(*id); d && d->has_value()) add(**d);
  }
  if (docs.empty()) {
    if (auto hits = ctx.store.search(query, 50)) {
      for (const indexer::SearchHit& h : *hits) {
        if (auto d = ctx.store.document(h.document); d && d->has_value()) add(**d);
      }
    }
  }
  json list = json::array();
  for (const DocumentRow& d : docs) list.push_back(summary_json(d));
  if (!audited(ctx, session, res, "search", "", "review station: " + std::to_string(docs.size()) + " found",
               mrns_of(docs))) {
    return;
  }
  send_json(res, 200, {{"documents", list}});
}

std::optional<indexer::DecisionKind> decision_kind(const std::string& name) {
  using indexer::DecisionKind;
  static const std::pair<const char*, DecisionKind> kKinds[] = {
      {"resolve", DecisionKind::kResolve}, {"move", DecisionKind::kMove},     {"split", DecisionKind::kSplit},
      {"merge", DecisionKind::kMerge},     {"set-type", DecisionKind::kSetType}, {"rotate", DecisionKind::kRotate},
      {"reject", DecisionKind::kReject}};
  for (const auto& [n, k] : kKinds) {
    if (name == n) return k;
  }
  return std::nullopt;
}

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    default: return 500;
  }
}

// POST /api/decide {"kind", "id", "other", "mrn", "label", "page", "degrees",
// "reason", "queue_kind"}: one decision; answers with what changed and the
// next document of the queue.
void decide(Context& ctx, const Session& session, const httplib::Request& req, httplib::Response& res) {
  const json body = body_json(req);
  const auto kind = decision_kind(body.value("kind", ""));
  if (!kind) {
    send_error(res, 400, "Unknown decision '" + body.value("kind", "") + "'.");
    return;
  }
  indexer::Decision d;
  d.kind = *kind;
  d.document = body.value("id", "");
  d.other = body.value("other", "");
  d.mrn = trim(body.value("mrn", ""));
  d.label = body.value("label", "");
  d.page = body.value("page", 0);
  d.degrees = body.value("degrees", 0);
  d.reason = trim(body.value("reason", ""));
  d.actor = session.user;
  if (d.kind == indexer::DecisionKind::kRotate && d.reason.empty()) d.reason = "page turned upright";
  if (!d.label.empty() && std::ranges::find(ctx.options.type_labels, d.label) == ctx.options.type_labels.end()) {
    send_error(res, 400, "'" + d.label + "' is not a document type of this store.");
    return;
  }
  auto result = ctx.store.decide(d);
  if (!result) {
    send_error(res, status_of(result.error().code), result.error().message);
    return;
  }
  indexer::QueueQuery next;
  next.kind = body.value("queue_kind", "");
  next.limit = 1;
  json next_id;
  if (auto rows = ctx.store.review_queue(next); rows && !rows->empty()) next_id = rows->front().id;
  send_json(res, 200, {{"summary", result->summary}, {"changed", result->changed}, {"next", next_id}});
}

}  // namespace

std::vector<Route> api_routes() {
  return {
      {"GET", "/api/queue", false, queue},
      {"GET", R"(/api/document/([A-Za-z0-9._-]+))", false, document},
      {"GET", R"(/api/document/([A-Za-z0-9._-]+)/page/([0-9]+)\.png)", false, page_image},
      {"POST", "/api/patients", false, patients},
      {"POST", "/api/find", false, find},
      {"POST", "/api/decide", true, decide},
  };
}

}  // namespace chartroom::review::detail
