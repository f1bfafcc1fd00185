// Letters and pathology reports for the training corpus (see type_corpus.h):
// the two types MTSamples has few rows of. Sentences are put together from
// pools so that no two notes read alike; nothing here is used by the bench.
#include <array>
#include <cstdio>

#include "bench/type_corpus.h"
#include "bench/type_corpus_words.h"

namespace chartroom::typecorpus {

using namespace words;

namespace {

std::string dims(Rng& rng) {
  char b[48];
  std::snprintf(b, sizeof b, "%.1f x %.1f x %.1f cm", rng.uniform(0.3, 12), rng.uniform(0.2, 8), rng.uniform(0.1, 5));
  return b;
}

}  // namespace

Note letter(const Patient& p, Rng& rng) {
  Note n;
  const std::string doctor = pick(rng, kDoctors);
  const std::string me = pick(rng, kDoctors);
  const std::string problem = pick(rng, kProblems);
  const std::string specialty = pick(rng, kSpecialties);
  const int age = 18 + static_cast<int>(rng.below(70));
  std::vector<std::string> body;
  const int kind = static_cast<int>(rng.below(6));
  n.title = rng.uniform() < 0.5 ? "" : pick(rng, std::array<const char*, 3>{"Correspondence", "Letter", "Clinic Letter"});
  body.push_back(date(rng));
  if (kind != 3) {
    body.push_back("Dr. " + doctor + ", " + pick(rng, std::array<const char*, 3>{"Department of ", "Division of ", ""}) +
                   specialty + (rng.uniform() < 0.5 ? ", " + std::to_string(10 + rng.below(900)) + " Elm Street" : ""));
  }
  body.push_back("RE: " + p.given_name + " " + p.family_name);
  const std::string dear = kind == 3 ? "To Whom It May Concern:"
                           : kind == 4 ? "Dear " + title_name(p) + ","
                                       : pick(rng, std::array<const char*, 3>{"Dear Dr. ", "Dear Doctor ", "Dear Dr. "}) +
                                             doctor + ",";
  body.push_back(dear);
  switch (kind) {
    case 0:  // referral
      body.push_back(pick(rng, std::array<const char*, 3>{"I would be grateful if you could see ",
                                                          "I am writing to refer ", "Thank you for agreeing to see "}) +
                     title_name(p) + ", a " + std::to_string(age) + "-year-old patient of mine, with " + problem + ".");
      body.push_back("Over the past " + std::to_string(2 + rng.below(10)) + " " +
                     pick(rng, std::array<const char*, 2>{"weeks", "months"}) + " " + he(p) +
                     " has " + pick(rng, std::array<const char*, 3>{"noticed the symptoms getting worse",
                                                                      "not improved despite the measures we tried",
                                                                      "become increasingly worried about this"}) +
                     ". " + pick(rng, std::array<const char*, 3>{"Recent blood tests are enclosed.",
                                                                  "I have enclosed a copy of the latest results.",
                                                                  "Examination in the office was otherwise unremarkable."}));
      body.push_back("Current medication: " + pick(rng, kMeds) + ". " +
                     pick(rng, std::array<const char*, 2>{"No known drug allergies.", "Allergic to penicillin."}));
      body.push_back(pick(rng, std::array<const char*, 3>{"I would value your opinion on further investigation and management.",
                                                          "Please let me know if you need anything further from me.",
                                                          "Many thanks for your help with this patient."}));
      break;
    case 1:  // reply to a referral
      body.push_back("Thank you for referring " + title_name(p) + ", whom I saw in the " + specialty + " clinic on " +
                     date(rng) + " regarding " + problem + ".");
      body.push_back(pick(rng, std::array<const char*, 3>{"As you know, ", "In summary, ", "By way of background, "}) + he(p) +
                     " is a " + std::to_string(age) + "-year-old who " +
                     pick(rng, std::array<const char*, 3>{"has had these symptoms for some time",
                                                          "was otherwise well until this year",
                                                          "has a history of hypertension and reflux"}) + ".");
      body.push_back("On examination today " + pick(rng, std::array<const char*, 3>{"the findings were reassuring",
                                                                                     "there was mild tenderness only",
                                                                                     "vital signs were within normal limits"}) +
                     ". My impression is that this is most likely " +
                     pick(rng, std::array<const char*, 4>{"a benign process", "mechanical in nature",
                                                          "related to the medication", "an early inflammatory condition"}) + ".");
      body.push_back("I have arranged " + pick(rng, std::array<const char*, 4>{"further imaging", "a repeat blood panel",
                                                                               "a trial of physical therapy",
                                                                               "a follow-up visit in three months"}) +
                     " and will write to you again with the results. Thank you for allowing me to share in " + his(p) +
                     " care.");
      break;
    case 2:  // discharge letter to the family doctor
      body.push_back("Your patient " + title_name(p) + " was admitted to our " +
                     pick(rng, std::array<const char*, 3>{"medical ward", "surgical unit", "cardiac step-down unit"}) +
                     " on " + date(rng) + " with " + problem + " and went home on " + date(rng) + ".");
      body.push_back("During the stay " + he(p) + " " +
                     pick(rng, std::array<const char*, 3>{"responded well to treatment", "had an uneventful recovery",
                                                          "needed a short course of intravenous antibiotics"}) +
                     ". Medication on leaving hospital: " + pick(rng, kMeds) + ".");
      body.push_back("We would be grateful if you could " +
                     pick(rng, std::array<const char*, 3>{"check the kidney function in one week",
                                                          "review the blood pressure at the next visit",
                                                          "arrange removal of sutures in ten days"}) +
                     ". We have not arranged routine follow-up here but are happy to see " + his(p) + " again if needed.");
      break;
    case 3:  // work or school note
      body.push_back("This is to certify that " + p.given_name + " " + p.family_name + " was seen in my office on " +
                     date(rng) + " and " + pick(rng, std::array<const char*, 3>{"was unable to work", "should be excused from school",
                                                                             "needs light duty only"}) +
                     " from that date until " + date(rng) + ".");
      body.push_back(pick(rng, std::array<const char*, 2>{"Please excuse the absence.",
                                                          "There are no restrictions after that date."}) +
                     " Should you have any questions, please do not hesitate to contact my office.");
      break;
    case 4:  // results letter to the patient
      body.push_back("I am writing to let you know the results of your recent " +
                     pick(rng, std::array<const char*, 4>{"blood tests", "mammogram", "colonoscopy", "bone density scan"}) +
                     ". " + pick(rng, std::array<const char*, 2>{"I am pleased to tell you that they were normal.",
                                                                 "They show a minor change that we should recheck."}));
      body.push_back("Please call the office to " + pick(rng, std::array<const char*, 2>{"book a follow-up appointment",
                                                                                         "discuss this with the nurse"}) +
                     ". Keep taking your medicines as before.");
      break;
    default:  // letter of medical necessity to an insurer
      body.push_back("I am writing on behalf of my patient " + p.given_name + " " + p.family_name + " to request coverage of " +
                     pick(rng, std::array<const char*, 4>{"an MRI of the lumbar spine", "a continuous glucose monitor",
                                                          "home oxygen", "a knee brace"}) + ", which is medically necessary.");
      body.push_back(he(p) + " has " + problem + " and has tried " + pick(rng, kMeds) +
                     " without adequate relief. The requested item is expected to change " + his(p) + " management.");
      body.push_back("Please contact my office if further documentation is required. Thank you for your prompt attention.");
      break;
  }
  body.push_back(pick(rng, std::array<const char*, 4>{"Sincerely,", "Yours sincerely,", "With kind regards,", "Best regards,"}));
  body.push_back(me + " " + pick(rng, std::array<const char*, 3>{"MD", "DO", "MD, FACP"}) +
                 (rng.uniform() < 0.5 ? "" : ", " + std::string(pick(rng, kSpecialties))));
  if (rng.uniform() < 0.4) body.push_back("cc: " + std::string(rng.uniform() < 0.5 ? "patient" : "referring physician"));
  if (rng.uniform() < 0.3) body.push_back("Dictated but not read. D: " + date(rng) + " T: " + date(rng));
  n.paragraphs = std::move(body);
  return n;
}

Note pathology_report(const Patient& p, Rng& rng) {
  Note n;
  struct Specimen {
    const char* site;
    const char* procedure;
    const char* finding;
  };
  static constexpr std::array<Specimen, 12> kSpecimens = {{
      {"Gallbladder", "cholecystectomy", "Chronic cholecystitis and cholelithiasis. No dysplasia or malignancy."},
      {"Appendix", "appendectomy", "Acute suppurative appendicitis with periappendicitis."},
      {"Skin, left forearm", "shave biopsy", "Seborrheic keratosis, irritated. Margins free."},
      {"Colon, sigmoid, polyp", "polypectomy", "Tubular adenoma with low-grade dysplasia; stalk margin negative."},
      {"Prostate, right base", "needle core biopsy", "Prostatic adenocarcinoma, Gleason score 3+4=7, in 2 of 3 cores."},
      {"Breast, left, 2 o'clock", "ultrasound-guided core biopsy", "Fibroadenoma. Negative for atypia and carcinoma."},
      {"Endometrium", "curettage", "Proliferative endometrium. No hyperplasia or carcinoma identified."},
      {"Thyroid, right lobe", "lobectomy", "Papillary thyroid carcinoma, classic type, 1.4 cm; margins uninvolved."},
      {"Lymph node, left axillary", "excisional biopsy", "Reactive follicular hyperplasia. No metastatic tumor."},
      {"Stomach, antrum", "endoscopic biopsy", "Chronic active gastritis; Helicobacter organisms present."},
      {"Uterus and cervix", "total hysterectomy", "Leiomyomata uteri; benign cervix and endometrium."},
      {"Lung, right upper lobe", "wedge resection", "Invasive adenocarcinoma, acinar predominant; pleura not involved."},
  }};
  const int kind = static_cast<int>(rng.below(4));
  n.title = kind == 2 ? pick(rng, std::array<const char*, 2>{"Cytopathology Report", "Cytology Report"})
                      : pick(rng, std::array<const char*, 4>{"Surgical Pathology Report", "Pathology Report",
                                                             "Surgical Pathology", "Tissue Examination Report"});
  std::vector<std::string> body;
  body.push_back("Accession No.: " + std::string(kind == 2 ? "C" : "S") + std::to_string(19 + rng.below(6)) + "-" +
                 std::to_string(1000 + rng.below(90000)) + "   Collected: " + date(rng) + "   Received: " + date(rng));
  body.push_back("Submitting physician: Dr. " + pick(rng, kDoctors) + "   Pathologist: " + pick(rng, kDoctors) + ", MD");
  if (kind == 2) {
    const bool pap = rng.uniform() < 0.5;
    body.push_back("SPECIMEN: " + std::string(pap ? "Cervical cytology, liquid-based preparation"
                                                  : pick(rng, std::array<const char*, 3>{"Fine needle aspiration, thyroid nodule",
                                                                                         "Pleural fluid", "Urine, voided"})) + ".");
    body.push_back("ADEQUACY: " + pick(rng, std::array<const char*, 2>{"Satisfactory for evaluation.",
                                                                       "Satisfactory; transformation zone component present."}));
    body.push_back("INTERPRETATION: " +
                   pick(rng, std::array<const char*, 4>{"Negative for intraepithelial lesion or malignancy.",
                                                        "Atypical squamous cells of undetermined significance (ASC-US).",
                                                        "Benign follicular nodule (Bethesda category II).",
                                                        "Reactive mesothelial cells; no malignant cells identified."}));
    body.push_back("Slides screened by cytotechnologist and reviewed by the pathologist.");
  } else {
    const std::size_t parts = kind == 3 ? 1 : 1 + rng.below(3);
    std::vector<const Specimen*> chosen;
    for (std::size_t i = 0; i < parts; ++i) chosen.push_back(&kSpecimens[rng.below(kSpecimens.size())]);
    body.push_back("CLINICAL HISTORY: " + pick(rng, kProblems) + "; " +
                   pick(rng, std::array<const char*, 3>{"rule out malignancy.", "clinical diagnosis as above.",
                                                        "see requisition."}));
    std::string specimens = "SPECIMENS RECEIVED:";
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      specimens += " " + std::string(1, static_cast<char>('A' + i)) + ". " + chosen[i]->site + ", " + chosen[i]->procedure + ".";
    }
    body.push_back(specimens);
    if (kind == 3) {
      body.push_back("INTRAOPERATIVE CONSULTATION (FROZEN SECTION): " +
                     pick(rng, std::array<const char*, 2>{"Benign. Final diagnosis deferred to permanent sections.",
                                                          "Positive for carcinoma; margin clear by frozen section."}) +
                     " Result called to the operating surgeon at " + std::to_string(8 + rng.below(9)) + ":" +
                     std::to_string(10 + rng.below(50)) + ".");
    }
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      body.push_back(std::string(i == 0 ? "GROSS DESCRIPTION: " : "") + static_cast<char>('A' + i) +
                     ". Received " + pick(rng, std::array<const char*, 3>{"in formalin", "fresh", "in a container of formalin"}) +
                     " labeled with the patient's name and \"" + to_lower_ascii(chosen[i]->site) + "\" is " +
                     pick(rng, std::array<const char*, 3>{"a tan-pink soft tissue fragment", "an oriented specimen",
                                                          "multiple fragments of tan tissue"}) +
                     " measuring " + dims(rng) + ". " +
                     pick(rng, std::array<const char*, 3>{"Serially sectioned and entirely submitted in cassettes ",
                                                          "Representative sections are submitted in cassettes ",
                                                          "Inked and bisected; submitted in cassettes "}) +
                     static_cast<char>('A' + i) + "1-" + static_cast<char>('A' + i) + std::to_string(1 + rng.below(8)) + ".");
    }
    body.push_back("MICROSCOPIC DESCRIPTION: " +
                   pick(rng, std::array<const char*, 3>{"Sections show the features summarized in the diagnosis.",
                                                        "Microscopic examination performed; see diagnosis.",
                                                        "Immunohistochemical stains support the diagnosis; controls stain appropriately."}));
    std::string dx = pick(rng, std::array<const char*, 3>{"FINAL DIAGNOSIS: ", "DIAGNOSIS: ", "PATHOLOGIC DIAGNOSIS: "});
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      dx += std::string(1, static_cast<char>('A' + i)) + ". " + chosen[i]->site + ", " + chosen[i]->procedure + ": " +
            chosen[i]->finding + " ";
    }
    body.push_back(dx);
  }
  body.push_back(pick(rng, std::array<const char*, 3>{"Electronically signed by the pathologist on ",
                                                      "I have personally reviewed the slides; report verified ",
                                                      "Report finalized "}) + date(rng) + ".");
  (void)p;
  n.paragraphs = std::move(body);
  return n;
}

}  // namespace chartroom::typecorpus
