// FreeBSD's table-format MAINTAINERS: rows of the real file (tests/maintainers/fixtures/
// freebsd-src/MAINTAINERS), the path each kind of row covers, and refusal of other formats.
#include <kernellens/ingest/subsystems.h>

#include <QFile>
#include <QTest>

using namespace kl;

namespace {

QByteArray realMaintainers()
{
    QFile f(QStringLiteral(KERNELLENS_FREEBSD_FIXTURE "/MAINTAINERS"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// Directories of a FreeBSD tree that the area rows below resolve to.
const QSet<QString> kDirectories = {
    QStringLiteral("sys"), QStringLiteral("sys/dev"), QStringLiteral("sys/dev/ath"),
    QStringLiteral("sys/dev/nvme"), QStringLiteral("sys/modules/nvme"), QStringLiteral("sys/fs"),
    QStringLiteral("sys/fs/fuse"), QStringLiteral("sys/fs/nfs"), QStringLiteral("sys/net80211"),
    QStringLiteral("sys/opencrypto"), QStringLiteral("usr.bin/top"), QStringLiteral("sbin/nvmecontrol"),
    QStringLiteral("sys/fs/procfs"), QStringLiteral("sys/compat/linprocfs")};

QString sectionOf(const SubsystemMap &map, const QString &name, QChar type)
{
    const int i = map.sectionIndex(name);
    return i < 0 ? QStringLiteral("<no section>") : map.sections().at(i).values(type).join(QLatin1Char('|'));
}

} // namespace

class TestFreeBsdMaintainers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realFileRows_data()
    {
        QTest::addColumn<QString>("row");
        QTest::addColumn<QString>("paths");   // F: values, '|'-separated
        QTest::addColumn<QString>("people");  // M: values
        QTest::addColumn<QString>("lists");   // L: values
        QTest::addColumn<QString>("notes");   // D: value
        QTest::newRow("directory") << "sys/dev/usb" << "sys/dev/usb/" << "hselasky <hselasky@FreeBSD.org>" << ""
                                   << "If in doubt, ask.";
        QTest::newRow("file") << "sys/netinet/ip_carp.c" << "sys/netinet/ip_carp.c" << "glebius <glebius@FreeBSD.org>"
                              << "" << "Pre-commit review recommended.";
        QTest::newRow("glob") << "share/mk/*.test.mk" << "share/mk/*.test.mk" << "ngie <ngie@FreeBSD.org>"
                              << "freebsd-testing@FreeBSD.org" << "(same list as share/mk too) Pre-commit review requested.";
        QTest::newRow("regex characters") << "contrib/libc++" << "contrib/libc\\+\\+/" << "dim <dim@FreeBSD.org>" << ""
                                          << "Pre-commit review preferred.";
        QTest::newRow("logins with spaces") << "share/mk" << "share/mk/"
                                            << "imp <imp@FreeBSD.org>|bapt <bapt@FreeBSD.org>|bdrewery <bdrewery@FreeBSD.org>|"
                                               "emaste <emaste@FreeBSD.org>|sjg <sjg@FreeBSD.org>"
                                            << "" << "Make is hard.";
        QTest::newRow("driver man page") << "ath(4)" << "sys/dev/ath/" << "adrian <adrian@FreeBSD.org>" << ""
                                         << "Pre-commit review requested, send to freebsd-wireless@freebsd.org";
        QTest::newRow("driver and module") << "nvme(4)" << "sys/dev/nvme/|sys/modules/nvme/"
                                           << "jimharris <jimharris@FreeBSD.org>" << "" << "Pre-commit review requested.";
        QTest::newRow("command man page") << "top(1)" << "usr.bin/top/" << "eadler <eadler@FreeBSD.org>" << ""
                                          << "Pre-commit review requested.";
        QTest::newRow("file system word") << "procfs" << "sys/fs/procfs/" << "des <des@FreeBSD.org>" << ""
                                          << "Pre-commit review requested, email only.";
        QTest::newRow("kernel word") << "net80211" << "sys/net80211/" << "adrian <adrian@FreeBSD.org>" << ""
                                     << "Pre-commit review requested, send to freebsd-wireless@freebsd.org";
        QTest::newRow("area without directory") << "kqueue" << "" << "jmg <jmg@FreeBSD.org>" << ""
                                                << "Pre-commit review requested. Documentation Required.";
        QTest::newRow("two words") << "pci bus" << "" << "imp <imp@FreeBSD.org>|jhb <jhb@FreeBSD.org>" << ""
                                   << "Pre-commit review requested.";
        QTest::newRow("continued notes") << "lpr" << "" << "gad <gad@FreeBSD.org>" << ""
                                         << "Pre-commit review requested, particularly for lpd/recvjob.c and lpd/printjob.c.";
        QTest::newRow("address and prose") << "nfs" << "sys/fs/nfs/" << "rmacklem <rmacklem@FreeBSD.org>"
                                           << "freebsd-fs@FreeBSD.org" << "is best for reviews.";
        QTest::newRow("team") << "usr.sbin/pkg" << "usr.sbin/pkg/" << "pkg <pkg@FreeBSD.org>" << ""
                              << "Please coordinate behavior or flag changes with pkg team.";
        QTest::newRow("starred man page") << "*env(3)" << "" << "secteam <secteam@FreeBSD.org>" << ""
                                          << "Due to the problematic security history of this code, please have patches reviewed by secteam.";
    }

    void realFileRows()
    {
        QFETCH(QString, row);
        QFETCH(QString, paths);
        QFETCH(QString, people);
        QFETCH(QString, lists);
        QFETCH(QString, notes);
        const QByteArray text = realMaintainers();
        QVERIFY(!text.isEmpty());
        const auto map = SubsystemMap::fromFreeBsdMaintainers(text, kDirectories);
        QVERIFY(map.has_value());
        QCOMPARE(sectionOf(*map, row, QLatin1Char('F')), paths);
        QCOMPARE(sectionOf(*map, row, QLatin1Char('M')), people);
        QCOMPARE(sectionOf(*map, row, QLatin1Char('L')), lists);
        QCOMPARE(sectionOf(*map, row, QLatin1Char('D')), notes);
    }

    void wholeFile()
    {
        const auto map = SubsystemMap::fromFreeBsdMaintainers(realMaintainers(), kDirectories);
        QVERIFY(map.has_value());
        QCOMPARE(map->sections().size(), 73);
        QCOMPARE(map->sections().first().name, QStringLiteral("atf"));
        QCOMPARE(map->sections().first().line, 38);
        QCOMPARE(map->sections().last().name, QStringLiteral("sys/arm64/rockchip"));
        QVERIFY(map->warnings().isEmpty());
        QVERIFY(!map->isDirectoryBased());
    }

    void pathsMapToRows_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QStringList>("sections");
        QTest::newRow("usb driver") << "sys/dev/usb/usb_device.c" << QStringList{QStringLiteral("sys/dev/usb")};
        QTest::newRow("nested row") << "sys/dev/sound/usb/uaudio.c" << QStringList{QStringLiteral("sys/dev/sound/usb")};
        QTest::newRow("two rows") << "contrib/llvm/tools/lldb/x.cpp"
                                  << QStringList{QStringLiteral("contrib/llvm"), QStringLiteral("contrib/llvm/tools/lldb")};
        QTest::newRow("file row") << "sys/netinet/ip_carp.c" << QStringList{QStringLiteral("sys/netinet/ip_carp.c")};
        QTest::newRow("not the file's neighbour") << "sys/netinet/ip_carp.h" << QStringList{};
        QTest::newRow("man page row") << "sys/dev/ath/if_ath.c" << QStringList{QStringLiteral("ath(4)")};
        QTest::newRow("glob same depth") << "share/mk/bsd.test.mk"
                                         << QStringList{QStringLiteral("share/mk"), QStringLiteral("share/mk/*.test.mk")};
        QTest::newRow("libc++") << "contrib/libc++/include/vector" << QStringList{QStringLiteral("contrib/libc++")};
        QTest::newRow("unlisted") << "sys/kern/kern_mutex.c" << QStringList{};
    }

    void pathsMapToRows()
    {
        QFETCH(QString, path);
        QFETCH(QStringList, sections);
        const auto map = SubsystemMap::fromFreeBsdMaintainers(realMaintainers(), kDirectories);
        QVERIFY(map.has_value());
        QCOMPARE(map->sectionsFor(path), sections);
    }

    void continuedLogins()
    {
        // The 2004 file (commit 622ea4dd) continues a login list on the next line.
        const QByteArray text = "subsystem\tlogin\tnotes\n-----------------------------\n"
                                "CAM\t\tgibbs,\n\t\tken\tPre-commit review requested. send to scsi@freebsd.org\n"
                                "ntp         \troberto\tPre-commit review requested.\n"
                                "kerberos5\tnectar  Pre-commit review requested.\n"
                                "\nFollowing are the entries from the Makefiles, and a few other sources.\n"
                                "bin/dd/Makefile:MAINTAINER=\tgreen@FreeBSD.org\n";
        const auto map = SubsystemMap::fromFreeBsdMaintainers(text);
        QVERIFY(map.has_value());
        QCOMPARE(map->sections().size(), 3);
        QCOMPARE(sectionOf(*map, QStringLiteral("CAM"), QLatin1Char('M')),
                 QStringLiteral("gibbs <gibbs@FreeBSD.org>|ken <ken@FreeBSD.org>"));
        QCOMPARE(sectionOf(*map, QStringLiteral("CAM"), QLatin1Char('D')),
                 QStringLiteral("Pre-commit review requested. send to scsi@freebsd.org"));
        QCOMPARE(sectionOf(*map, QStringLiteral("ntp"), QLatin1Char('M')), QStringLiteral("roberto <roberto@FreeBSD.org>"));
        QCOMPARE(sectionOf(*map, QStringLiteral("kerberos5"), QLatin1Char('M')), QStringLiteral("nectar <nectar@FreeBSD.org>"));
    }

    void rowWithoutLoginWarns()
    {
        const QByteArray text = "subsystem\tlogin\tnotes\n----\nsys/dev/foo\n";
        const auto map = SubsystemMap::fromFreeBsdMaintainers(text);
        QVERIFY(map.has_value());
        QCOMPARE(map->warnings().size(), 1);
        QCOMPARE(map->warnings().first().line, 3);
        QVERIFY(map->warnings().first().message.contains(QStringLiteral("sys/dev/foo")));
    }

    void otherFormatsAreNotRecognised_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("linux") << QByteArray("List of maintainers\n\nTHE REST\nM:\tLinus Torvalds <torvalds@linux-foundation.org>\n"
                                             "S:\tBuried alive in reporters\nF:\t*\nF:\t*/\n");
        QTest::newRow("prose") << QByteArray("The subsystem login notes are kept elsewhere.\nsys/dev/usb\thselasky\n");
        QTest::newRow("header without dashes") << QByteArray("subsystem\tlogin\tnotes\nsys/dev/usb\thselasky\tnote\n");
        QTest::newRow("header without rows") << QByteArray("subsystem\tlogin\tnotes\n------\n\nsys/dev/usb\thselasky\n");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("binary") << QByteArray("\x00\xff\xfe subsystem\x00login", 20);
    }

    void otherFormatsAreNotRecognised()
    {
        QFETCH(QByteArray, text);
        QVERIFY(!SubsystemMap::fromFreeBsdMaintainers(text).has_value());
    }

    void detection()
    {
        QVERIFY(SubsystemMap::looksLikeFreeBsdMaintainers(realMaintainers()));
        QVERIFY(!SubsystemMap::looksLikeFreeBsdMaintainers("THE REST\nF:\t*\n"));
    }
};

QTEST_GUILESS_MAIN(TestFreeBsdMaintainers)
#include "tst_freebsd_maintainers.moc"
