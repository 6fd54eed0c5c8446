// Tone cues (see tone_cues.h). Patterns are word sequences over the lowered prose tokens of one
// sentence: alternatives "a|b", prefixes "pre*", "~" skips up to three words, a leading "^" anchors
// at the sentence's first word, a trailing "?" needs a question mark in the sentence. The lists
// were written from the codebook's categories and the misses named in issue 16 (curt dismissal,
// impatience, "ugly"/"hack" verdicts, rhetorical questions, condescension); they were not fitted
// to any labeled message, and the model learns their weights.
#include "tone_cues.h"

#include "friction_features.h"

#include <QString>

namespace kl::friction::detail {

namespace {

struct Pattern
{
    std::vector<QString> tokens;
    bool anchored = false;
    bool question = false;
};

struct CuePatterns
{
    std::vector<Pattern> byCue[ToneCueCount];
};

const char *const kJudgement[] = {
    "you|you're|you've ~ wrong|nonsense|pointless|silly|ridiculous|absurd|clueless|lazy|careless|sloppy|confused|dishonest",
    "you ~ misunderstand*|misrepresent*|ignor*|refus*|fail|failed|keep|insist*",
    "you ~ don't|didn't|not|can't|cannot|never ~ understand|get|read|listen|bother|care|know",
    "you ~ clearly|obviously|apparently|simply ~ don't|didn't|haven't|not|never|can't|cannot|failed|missed|ignored",
    "your ~ reasoning|argument|logic|claim|understanding|analysis|approach|attitude|patch|patches|code|email|mail ~ wrong|nonsense|flawed|garbage|junk|ugly|silly|pointless|ridiculous",
    "you|you're ~ missing|missed|miss ~ the point",
    "you|you're ~ making ~ up",
    "you|you're ~ not ~ listening|reading|paying",
    "this|that|it|it's|that's ~ a|an ~ ugly|horrible|terrible|gross|disgusting|awful ~ hack",
    "what ~ a|an ~ ugly|horrible|terrible|disgusting|awful|stupid|silly",
    "makes|make ~ no ~ sense ~ whatsoever|at",
    "utterly|completely|totally|absolutely ~ wrong|broken|pointless|useless|unacceptable|bogus|ridiculous|insane",
};

const char *const kRhetorical[] = {
    "^what's|what ~ the ~ point ?",
    "^why ~ on ~ earth ?",
    "^why ~ would ~ anyone|anybody|somebody|someone ?",
    "^how ~ many ~ times ?",
    "^how ~ hard|difficult ~ is ?",
    "^seriously|really ?",
    "^are ~ you ~ serious|kidding|joking ?",
    "did|do|have ~ you ~ even ?",
    "did|have ~ you ~ actually|really ~ read|test|tested|look|looked|try|tried|bother|bothered|run ?",
    "^is ~ it ~ too ~ much ~ to ?",
    "^who ~ cares ?",
    "^what ~ were ~ you ~ thinking ?",
    "^isn't|wasn't ~ it|that ~ obvious ?",
    "^can't|couldn't ~ you ~ just|even|simply ?",
    "^why ~ do|did|are|would|should ~ you ~ keep|insist|ignore|refuse ?",
    "^what ~ part ~ of ?",
    "^do ~ you ~ understand|realize|realise ?",
    "^what ~ is ~ so ~ hard ?",
};

const char *const kCondescension[] = {
    "^let ~ me ~ explain|repeat|spell|remind|educate",
    "as ~ i|we|i've|we've ~ already|said|explained|told|pointed|mentioned|stated|wrote",
    "as ~ i ~ said|explained|told ~ before|already|earlier|repeatedly",
    "for ~ the ~ nth|last|third|fourth|fifth|hundredth|umpteenth|millionth ~ time",
    "once ~ again|yet ~ again",
    "i'll|i ~ will ~ say|repeat ~ it|this ~ again|once",
    "please ~ read|re-read|reread|learn|actually|try ~ to ~ understand|read",
    "it's|it|this|that ~ not ~ that|rocket ~ hard|difficult|science|complicated",
    "do ~ your ~ homework|research",
    "you ~ need|should|ought ~ to ~ learn|understand|know|read",
    "i ~ suggest|recommend ~ you ~ read|learn|go|look|study",
    "basic ~ understanding|knowledge|reading|comprehension",
    "as ~ anyone|everyone|everybody ~ knows|know",
    "^newsflash|^hint",
};

const char *const kStop[] = {
    "^stop|^quit ~ it|this|that|now|already|please",
    "^please|^just ~ stop|quit",
    "^don't|^do ~ not ~ bother|ever|keep",
    "^enough",
    "^drop|^leave|^knock|^cut ~ it",
    "^go ~ away",
    "stop ~ sending|doing|posting|arguing|wasting|pushing|trying|spamming|ignoring",
};

const char *const kSarcasm[] = {
    "^oh ~ wow|great|sure|really|joy|please|boy|come|well|dear",
    "^yeah ~ right|sure",
    "^sure ~ because",
    "^how ~ nice|convenient|surprising|cute|lovely",
    "^what ~ a ~ surprise|shock|concept|novel|joke",
    "^congratulations|^bravo|^brilliant|^genius|^wonderful|^fantastic",
    "good ~ luck ~ with ~ that",
    "nice ~ try",
    "thanks ~ for ~ nothing",
    "who ~ would ~ have ~ thought",
    "color|colour ~ me ~ surprised",
    "^surely ~ nobody|no|nothing|everyone|you",
    "^because ~ that|this ~ worked|works|went ~ so ~ well",
    "s",   // "/s" leaves the single word "s"; matched only as the whole sentence (below)
};

std::vector<Pattern> compile(const char *const *list, size_t n)
{
    std::vector<Pattern> out;
    for (size_t i = 0; i < n; ++i) {
        Pattern p;
        QString text = QString::fromLatin1(list[i]).trimmed();
        if (text.endsWith(QLatin1Char('?'))) {
            p.question = true;
            text.chop(1);
        }
        for (QString token : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (token.startsWith(QLatin1Char('^'))) {
                p.anchored = true;
                token.remove(0, 1);
            }
            token.replace(QLatin1String("|^"), QLatin1String("|"));
            p.tokens.push_back(token);
        }
        out.push_back(std::move(p));
    }
    return out;
}

const CuePatterns &patterns()
{
    static const CuePatterns all = [] {
        CuePatterns c;
        c.byCue[ToneJudgement] = compile(kJudgement, std::size(kJudgement));
        c.byCue[ToneRhetorical] = compile(kRhetorical, std::size(kRhetorical));
        c.byCue[ToneCondescension] = compile(kCondescension, std::size(kCondescension));
        c.byCue[ToneStop] = compile(kStop, std::size(kStop));
        c.byCue[ToneSarcasm] = compile(kSarcasm, std::size(kSarcasm));
        return c;
    }();
    return all;
}

// Matches p.tokens[k...] against words[at...]; "~" lets the next pattern token start up to three
// words later.
bool matchFrom(const Pattern &p, size_t k, const std::vector<QStringView> &words, size_t at)
{
    if (k == p.tokens.size())
        return true;
    if (p.tokens[k] == QLatin1String("~")) {
        for (size_t skip = 0; skip <= 3 && at + skip <= words.size(); ++skip)
            if (matchFrom(p, k + 1, words, at + skip))
                return true;
        return false;
    }
    return at < words.size() && Lexicon::tokenMatches(p.tokens[k], words[at]) && matchFrom(p, k + 1, words, at + 1);
}

bool matches(const Pattern &p, const std::vector<QStringView> &words, bool question)
{
    if (p.question && !question)
        return false;
    if (p.tokens.size() == 1 && p.tokens.front() == QLatin1String("s"))
        return words.size() == 1 && words.front() == QLatin1String("s");
    const size_t starts = p.anchored ? std::min<size_t>(1, words.size()) : words.size();
    for (size_t at = 0; at < starts; ++at)
        if (matchFrom(p, 0, words, at))
            return true;
    return false;
}

} // namespace

const char *toneCueName(int cue)
{
    static const char *const names[ToneCueCount] = {"judgement", "rhetorical", "condescension", "stop", "sarcasm"};
    return cue >= 0 && cue < ToneCueCount ? names[cue] : "";
}

void markToneCues(Analysis &a)
{
    const CuePatterns &cues = patterns();
    const QStringView low(a.lowered);
    std::vector<QStringView> words;
    for (Sentence &s : a.sentences) {
        words.clear();
        bool question = false, addressed = false;
        for (int ti = s.firstToken; ti < s.firstToken + s.tokenCount; ++ti) {
            const Token &t = a.tokens[size_t(ti)];
            if (!t.word) {
                question = question || low[t.start] == QLatin1Char('?');
                continue;
            }
            words.push_back(low.mid(t.start, t.length));
            addressed = addressed || isSecondPerson(words.back());
        }
        int fired = 0;
        for (int cue = 0; cue < ToneCueCount; ++cue) {
            for (const Pattern &p : cues.byCue[cue]) {
                if (matches(p, words, question)) {
                    s.tone |= 1u << cue;
                    ++a.toneSentences[cue];
                    ++fired;
                    break;
                }
            }
        }
        a.worstTone = std::max(a.worstTone, fired);
        if (fired && addressed)
            ++a.toneAddressed;
    }
}

} // namespace kl::friction::detail
