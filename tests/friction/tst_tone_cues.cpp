// Tone cues (ingest/friction/tone_cues.h): which cue each sentence fires. The sentences are
// written for the test, after the misses named in issue 16; plain review sentences must fire
// nothing, so that the cues do not turn every question or "you" into a signal.
#include "friction_features.h"

#include <QFile>
#include <QTest>

using namespace kl::friction::detail;

class TstToneCues : public QObject
{
    Q_OBJECT
private:
    Lexicon m_lexicon;

private Q_SLOTS:
    void initTestCase()
    {
        QFile f(QStringLiteral(KERNELLENS_FRICTION_LEXICON));
        QVERIFY(f.open(QIODevice::ReadOnly));
        auto lexicon = Lexicon::parse(f.readAll(), f.fileName());
        QVERIFY2(bool(lexicon), qPrintable(lexicon.status().message()));
        m_lexicon = std::move(lexicon.value());
    }

    void cues_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        const char *const none = "";
        auto row = [](const char *name, const char *text, const char *cues) {
            QTest::newRow(name) << QString::fromUtf8(text)
                                << QString::fromLatin1(cues).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        };
        row("judgement", "You clearly did not read my reply.", "judgement");
        row("judgement-reasoning", "Your reasoning here is simply wrong.", "judgement");
        row("judgement-hack", "That's an ugly hack and you know it.", "judgement");
        row("missing-point", "You are missing the point entirely.", "judgement");
        row("rhetorical-point", "What's the point of this series?", "rhetorical");
        row("rhetorical-even", "Did you even compile this?", "rhetorical");
        row("rhetorical-times", "How many times do I have to say it?", "rhetorical");
        row("condescension", "Let me explain this for you.", "condescension");
        row("as-i-said", "As I already said, the lock is not needed.", "condescension");
        row("nth-time", "For the third time, this breaks arm64.", "condescension");
        row("stop", "Stop sending this patch.", "stop");
        row("just-stop", "Please just stop.", "stop");
        row("sarcasm", "Oh great, another rewrite of the allocator.", "sarcasm");
        row("good-luck", "Good luck with that.", "sarcasm");
        row("two-cues", "Seriously, did you even test it?", "rhetorical");
        row("review-question", "Why is this needed?", none);
        row("polite-you", "Thank you, could you resend with the fix folded in?", none);
        row("technical-stop", "The worker must stop the queue before freeing it.", none);
        row("stop-the-timer", "Stop the timer first, then free the context.", none);
        row("as-described", "As described in the cover letter, this is v3.", none);
        row("point-no-question", "The point of this patch is to drop the lock.", none);
        row("really-statement", "Really nice cleanup, thanks.", none);
    }

    void cues()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const Analysis a = analyse(text, m_lexicon, true);
        QStringList fired;
        for (int cue = 0; cue < ToneCueCount; ++cue)
            if (a.toneSentences[cue] > 0)
                fired << QString::fromLatin1(toneCueName(cue));
        QCOMPARE(fired, expected);
    }

    void featuresOnlyWithToneConfig()
    {
        const Analysis a = analyse(QStringLiteral("Did you even test this? Stop sending it."), m_lexicon, true);
        QCOMPARE(a.worstTone, 1);
        // Without the tone block nothing is marked (the shipped model does not pay for it).
        QCOMPARE(analyse(QStringLiteral("Did you even test this?"), m_lexicon).worstTone, 0);
        QCOMPARE(a.toneAddressed, 1);
        std::vector<Feature> plain, tone;
        FeatureConfig config;
        features(a, config, plain);
        config.tone = true;
        features(a, config, tone);
        for (const Feature &f : plain)
            QVERIFY(f.index <= kModelFeatureCount);
        QCOMPARE(tone.size(), plain.size() + 4);   // rhetorical, stop, worst sentence, addressed
        QCOMPARE(tone.back().index, kModelFeatureCount + kToneFeatureCount);
        QCOMPARE(modelFeatureCount(config), kModelFeatureCount + kToneFeatureCount);
    }
};

QTEST_GUILESS_MAIN(TstToneCues)
#include "tst_tone_cues.moc"
