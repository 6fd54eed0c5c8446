#pragma once
// Tone cues: sentence patterns that carry a disrespectful tone without a swear word, the misses
// of the lexicon on heated kernel review mail (docs/friction.md, "Tone features"):
// second-person address with a negative judgement, rhetorical questions, condescension,
// imperatives that tell someone to stop, and sarcasm markers. Each sentence gets a bit per cue;
// the features count cue sentences and the worst sentence (most cues at once).

#include <QStringView>

#include <vector>

namespace kl::friction::detail {

struct Analysis;

enum ToneCue {
    ToneJudgement = 0,    // "you" + a negative judgement: "you clearly did not read", "your reasoning is wrong"
    ToneRhetorical,       // "what's the point?", "did you even test this?", "how many times ...?"
    ToneCondescension,    // "let me explain this for you", "as I already said", "for the third time"
    ToneStop,             // "stop sending this", "just drop it", "don't bother"
    ToneSarcasm,          // "oh great", "yeah right", "good luck with that", "/s"
    ToneCueCount
};

const char *toneCueName(int cue);   // "judgement", "rhetorical", ...

// Sets Sentence::tone and Analysis::toneSentences / worstTone from the tokens of `a`.
void markToneCues(Analysis &a);

} // namespace kl::friction::detail
