#pragma once
// Release series: which tags are feature releases, which are maintenance (stable, point,
// security) releases and which are release candidates, from the tag names alone (docs/git.md,
// "Release series"). A project lead counts in feature releases, as LWN's statistics do; a
// maintenance or candidate tag belongs to the series of one feature release.

#include <QList>
#include <QString>
#include <QStringList>

namespace kl::ingest {

enum class ReleaseKind { Feature, Maintenance, Candidate };

QString releaseKindName(ReleaseKind kind);   // "feature", "maintenance", "candidate"

struct ReleaseClass
{
    ReleaseKind kind = ReleaseKind::Feature;
    // Index (into the classified list) of the release the tag rolls up to in feature views: the
    // feature release of its series (itself for a feature release). A maintenance release whose
    // feature release is not among the tags rolls up to the earliest tag of its series; a
    // candidate whose final release is not among them has none (-1: not released yet).
    int rollup = -1;
};

// Classifies a project's tags together: whether v2.55.1 is a maintenance release depends on
// v2.55.0 being a tag, and whether v6.12.3 is depends on v6.12. Order does not matter.
QList<ReleaseClass> classifyReleaseTags(const QStringList &tags);

} // namespace kl::ingest
