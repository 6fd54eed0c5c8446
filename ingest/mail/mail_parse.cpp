#include "mail_parse.h"

#include "header_check.h"

#include <QCryptographicHash>

#include <gmime/gmime.h>

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>

namespace kl::mail {

namespace {

struct GObjectUnref
{
    void operator()(gpointer p) const
    {
        if (p)
            g_object_unref(p);
    }
};
template<typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct ReferencesFree
{
    void operator()(GMimeReferences *r) const
    {
        if (r)
            g_mime_references_free(r);
    }
};

struct IconvHandle
{
    iconv_t cd = reinterpret_cast<iconv_t>(-1);
    ~IconvHandle()
    {
        if (cd != reinterpret_cast<iconv_t>(-1))
            iconv_close(cd);
    }
};

QString fromUtf8Z(const char *s)
{
    return s ? QString::fromUtf8(s) : QString();
}

bool isUtf8Charset(const QByteArray &c)
{
    return c.isEmpty() || c == "utf-8" || c == "utf8" || c == "us-ascii" || c == "ascii"
           || c == "x-unknown" || c == "unknown-8bit";
}

// x-unknown and unknown-8bit say that the sender did not know the charset.
bool isUnnamedCharset(const QByteArray &c)
{
    return c == "x-unknown" || c == "unknown-8bit";
}

bool hasEightBit(const QByteArray &bytes)
{
    return std::any_of(bytes.cbegin(), bytes.cend(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// The fields whose encoded words we decode and store.
bool isStoredTextField(const char *name)
{
    for (const char *field : {"Subject", "From", "To", "Cc"})
        if (g_ascii_strcasecmp(name, field) == 0)
            return true;
    return false;
}

// What GMime's RFC 2047 decoding of the stored fields hid, named by field.
QList<ParseWarning> checkHeaderEncoding(GMimeObject *object)
{
    QList<ParseWarning> warnings;
    GMimeHeaderList *headers = g_mime_object_get_header_list(object);
    const int n = headers ? g_mime_header_list_get_count(headers) : 0;
    for (int i = 0; i < n; ++i) {
        GMimeHeader *header = g_mime_header_list_get_header_at(headers, i);
        const char *name = g_mime_header_get_name(header);
        if (!name || !isStoredTextField(name))
            continue;
        for (ParseWarning w : checkEncodedWords(QByteArray(g_mime_header_get_raw_value(header)))) {
            w.message = QString::fromLatin1(name) + QStringLiteral(": ") + w.message;
            warnings << w;
        }
    }
    return warnings;
}

// Invalid UTF-8 becomes U+FFFD; valid UTF-8 is kept; latin-1 when it is clearly not UTF-8.
QString fallbackDecode(const QByteArray &bytes)
{
    if (g_utf8_validate(bytes.constData(), bytes.size(), nullptr))
        return QString::fromUtf8(bytes);
    return QString::fromUtf8(bytes); // replacement characters where the bytes are broken
}

QStringList parseIdList(const char *raw)
{
    QStringList ids;
    if (!raw)
        return ids;
    std::unique_ptr<GMimeReferences, ReferencesFree> refs(g_mime_references_parse(nullptr, raw));
    if (!refs)
        return ids;
    const int n = g_mime_references_length(refs.get());
    for (int i = 0; i < n; ++i) {
        const QString id = fromUtf8Z(g_mime_references_get_message_id(refs.get(), i)).trimmed();
        if (!id.isEmpty())
            ids << id;
    }
    return ids;
}

void collectMailboxes(InternetAddressList *list, QList<Mailbox> &out)
{
    if (!list)
        return;
    const int n = internet_address_list_length(list);
    for (int i = 0; i < n; ++i) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            collectMailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out);
        } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            Mailbox m;
            m.name = fromUtf8Z(internet_address_get_name(ia)).simplified();
            m.email = fromUtf8Z(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia))).trimmed();
            if (!m.email.isEmpty() || !m.name.isEmpty())
                out << m;
        }
    }
}

QByteArray partBytes(GMimePart *part)
{
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (!content)
        return {};
    GPtr<GMimeStream> stream(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, stream.get());
    GByteArray *array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
    return QByteArray(reinterpret_cast<const char *>(array->data), qsizetype(array->len));
}

struct BodyParts
{
    QString text;
    QString patchText;
    QStringList attachments;
    bool sawText = false;
};

bool isPatchAttachment(GMimeContentType *type, const QString &filename)
{
    if (g_mime_content_type_is_type(type, "text", "x-patch")
        || g_mime_content_type_is_type(type, "text", "x-diff")
        || g_mime_content_type_is_type(type, "text", "diff")
        || g_mime_content_type_is_type(type, "application", "x-patch"))
        return true;
    return filename.endsWith(QLatin1String(".patch"), Qt::CaseInsensitive)
           || filename.endsWith(QLatin1String(".diff"), Qt::CaseInsensitive);
}

void walk(GMimeObject *object, BodyParts &parts, QList<ParseWarning> &warnings, int depth)
{
    if (!object || depth > 20)
        return;
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart *multipart = GMIME_MULTIPART(object);
        const int n = g_mime_multipart_get_count(multipart);
        const bool alternative = g_mime_content_type_is_type(
            g_mime_object_get_content_type(object), "multipart", "alternative");
        if (alternative) {
            // Prefer the plain part; fall back to the first part when there is none.
            for (int i = 0; i < n; ++i) {
                GMimeObject *child = g_mime_multipart_get_part(multipart, i);
                if (g_mime_content_type_is_type(g_mime_object_get_content_type(child), "text", "plain")) {
                    walk(child, parts, warnings, depth + 1);
                    return;
                }
            }
        }
        for (int i = 0; i < n; ++i)
            walk(g_mime_multipart_get_part(multipart, i), parts, warnings, depth + 1);
        return;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
        parts.attachments << QStringLiteral("message/rfc822");
        return;
    }
    if (!GMIME_IS_PART(object))
        return;
    GMimePart *part = GMIME_PART(object);
    GMimeContentType *type = g_mime_object_get_content_type(object);
    const QString filename = fromUtf8Z(g_mime_part_get_filename(part));
    GMimeContentDisposition *disposition = g_mime_object_get_content_disposition(object);
    const bool attachment = disposition && g_mime_content_disposition_is_attachment(disposition);
    const QByteArray charset = QByteArray(g_mime_object_get_content_type_parameter(object, "charset"))
                                   .trimmed()
                                   .toLower();

    if (isPatchAttachment(type, filename)) {
        ParseWarning w;
        QString text = decodeText(partBytes(part), charset, &w);
        if (!w.kind.isEmpty())
            warnings << w;
        if (!parts.patchText.isEmpty())
            parts.patchText += QLatin1Char('\n');
        parts.patchText += text;
        if (attachment || !filename.isEmpty())
            parts.attachments << (filename.isEmpty() ? QStringLiteral("patch") : filename);
        return;
    }
    if (g_mime_content_type_is_type(type, "text", "plain") && !attachment) {
        ParseWarning w;
        QString text = decodeText(partBytes(part), charset, &w);
        if (!w.kind.isEmpty())
            warnings << w;
        if (parts.sawText && !parts.text.endsWith(QLatin1Char('\n')))
            parts.text += QLatin1Char('\n');
        parts.text += text;
        parts.sawText = true;
        return;
    }
    if (g_mime_content_type_is_type(type, "text", "plain") && attachment) {
        // A text attachment may still be a patch (git send-email --attach without .patch).
        ParseWarning w;
        QString text = decodeText(partBytes(part), charset, &w);
        if (text.contains(QLatin1String("\n+++ ")) || text.startsWith(QLatin1String("diff --git"))
            || text.contains(QLatin1String("\ndiff --git"))) {
            if (!parts.patchText.isEmpty())
                parts.patchText += QLatin1Char('\n');
            parts.patchText += text;
        }
    }
    char *typeName = g_mime_content_type_get_mime_type(type);
    parts.attachments << (filename.isEmpty() ? QString::fromUtf8(typeName ? typeName : "") : filename);
    g_free(typeName);
}

} // namespace

void ensureGMime()
{
    static std::once_flag once;
    std::call_once(once, [] {
        g_mime_init();
        static const char *fallback[] = {"utf-8", "iso-8859-1", nullptr};
        g_mime_parser_options_set_fallback_charsets(g_mime_parser_options_get_default(), fallback);
    });
}

QString decodeText(const QByteArray &bytes, const QByteArray &charsetIn, ParseWarning *warning)
{
    const QByteArray charset = charsetIn.trimmed().toLower();
    if (isUtf8Charset(charset)) {
        const bool validUtf8 = g_utf8_validate(bytes.constData(), bytes.size(), nullptr);
        if (warning && isUnnamedCharset(charset) && hasEightBit(bytes))
            *warning = {QStringLiteral("unknown-charset"),
                        QStringLiteral("charset \"%1\" names no charset; 8-bit text read as %2")
                            .arg(QString::fromLatin1(charset),
                                 validUtf8 ? QStringLiteral("UTF-8") : QStringLiteral("Latin-1"))};
        if (validUtf8)
            return QString::fromUtf8(bytes);
        if (warning && charset.startsWith("utf"))
            *warning = {QStringLiteral("bad-charset"),
                        QStringLiteral("declared %1 but the bytes are not valid UTF-8")
                            .arg(QString::fromLatin1(charset))};
        // 8-bit text declared as ASCII (or undeclared) is, in kernel mail, nearly always Latin-1.
        if (charset.startsWith("utf"))
            return fallbackDecode(bytes);
        return QString::fromLatin1(bytes);
    }
    if (charset == "iso-8859-1" || charset == "latin1" || charset == "latin-1")
        return QString::fromLatin1(bytes);

    IconvHandle conv;
    const char *iconvName = g_mime_charset_iconv_name(charset.constData());
    conv.cd = iconv_open("UTF-8", iconvName ? iconvName : charset.constData());
    if (conv.cd == reinterpret_cast<iconv_t>(-1)) {
        if (warning)
            *warning = {QStringLiteral("unknown-charset"),
                        QStringLiteral("unknown charset \"%1\"").arg(QString::fromLatin1(charset))};
        return fallbackDecode(bytes);
    }
    QByteArray out;
    out.reserve(bytes.size() + bytes.size() / 2 + 16);
    char *in = const_cast<char *>(bytes.constData());
    size_t inLeft = size_t(bytes.size());
    char buffer[4096];
    bool bad = false;
    while (inLeft > 0) {
        char *outPtr = buffer;
        size_t outLeft = sizeof buffer;
        const size_t rc = iconv(conv.cd, &in, &inLeft, &outPtr, &outLeft);
        out.append(buffer, qsizetype(sizeof buffer - outLeft));
        if (rc == size_t(-1)) {
            if (errno == E2BIG)
                continue;
            // EILSEQ or EINVAL (truncated sequence): mark it and skip one byte.
            bad = true;
            out.append("\xEF\xBF\xBD");
            ++in;
            --inLeft;
            iconv(conv.cd, nullptr, nullptr, nullptr, nullptr);
        }
    }
    if (bad && warning)
        *warning = {QStringLiteral("bad-charset"),
                    QStringLiteral("invalid %1 byte sequences replaced").arg(QString::fromLatin1(charset))};
    return QString::fromUtf8(out);
}

QString formatMailbox(const Mailbox &m)
{
    if (m.name.isEmpty())
        return m.email;
    if (m.email.isEmpty())
        return m.name;
    return m.name + QStringLiteral(" <") + m.email + QLatin1Char('>');
}

ParsedMessage parseMessage(const QByteArray &raw, bool full)
{
    ensureGMime();
    ParsedMessage pm;
    pm.contentHash = QCryptographicHash::hash(raw, QCryptographicHash::Sha1);

    // GMime keeps headers as C strings: a NUL would cut a Message-ID short.
    QStringList nulFields;
    const QByteArray shown = showHeaderNuls(raw, &nulFields);
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(shown.constData(), size_t(shown.size())));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
    QList<ParseWarning> headerWarnings;
    for (const QString &field : std::as_const(nulFields))
        headerWarnings << ParseWarning{QStringLiteral("nul-in-header"),
                                       QStringLiteral("%1: NUL byte shown as \u2400").arg(field)};

    if (!message) {
        pm.warnings << ParseWarning{QStringLiteral("malformed-mime"),
                                    QStringLiteral("GMime could not parse the message")};
    } else {
        GMimeMessage *msg = message.get();
        GMimeObject *obj = GMIME_OBJECT(msg);
        pm.messageId = fromUtf8Z(g_mime_message_get_message_id(msg)).trimmed();
        if (pm.messageId.startsWith(QLatin1Char('<')) && pm.messageId.endsWith(QLatin1Char('>')))
            pm.messageId = pm.messageId.mid(1, pm.messageId.size() - 2);
        pm.subject = fromUtf8Z(g_mime_message_get_subject(msg)).simplified();
        headerWarnings << checkHeaderEncoding(obj);

        QList<Mailbox> from;
        collectMailboxes(g_mime_message_get_from(msg), from);
        if (!from.isEmpty())
            pm.from = from.first();
        else
            pm.warnings << ParseWarning{QStringLiteral("no-from"), QStringLiteral("no From: address")};
        collectMailboxes(g_mime_message_get_to(msg), pm.to);
        collectMailboxes(g_mime_message_get_cc(msg), pm.cc);

        if (GDateTime *date = g_mime_message_get_date(msg)) {
            pm.date = g_date_time_to_unix(date);
            pm.hasDate = true;
        } else {
            pm.warnings << ParseWarning{QStringLiteral("no-date"), QStringLiteral("no usable Date:")};
        }

        const QStringList inReplyTo = parseIdList(g_mime_object_get_header(obj, "In-Reply-To"));
        pm.references = parseIdList(g_mime_object_get_header(obj, "References"));
        if (!inReplyTo.isEmpty())
            pm.inReplyTo = inReplyTo.last();
        // JWZ: In-Reply-To names the parent when References does not end with it.
        if (!pm.inReplyTo.isEmpty() && (pm.references.isEmpty() || pm.references.last() != pm.inReplyTo))
            pm.references.removeAll(pm.inReplyTo), pm.references << pm.inReplyTo;
        pm.references.removeAll(pm.messageId);
        pm.references.removeDuplicates();

        BodyParts parts;
        walk(g_mime_message_get_mime_part(msg), parts, pm.warnings, 0);
        pm.body = parts.text;
        pm.attachments = parts.attachments;
        if (!parts.sawText && parts.patchText.isEmpty())
            pm.warnings << ParseWarning{QStringLiteral("no-text-part"),
                                        QStringLiteral("no text/plain part")};
        if (!parts.patchText.isEmpty())
            pm.body += (pm.body.isEmpty() || pm.body.endsWith(QLatin1Char('\n')) ? QString()
                                                                                : QStringLiteral("\n"))
                       + parts.patchText;
    }

    if (pm.messageId.isEmpty()) {
        pm.messageId = QStringLiteral("kernellens-%1@synthetic.invalid")
                           .arg(QString::fromLatin1(pm.contentHash.toHex()));
        pm.syntheticId = true;
        pm.warnings << ParseWarning{QStringLiteral("no-message-id"),
                                    QStringLiteral("no Message-ID; using %1").arg(pm.messageId)};
    }
    for (ParseWarning &w : headerWarnings) {
        w.message += QStringLiteral(" (Message-ID <%1>)").arg(pm.messageId);
        pm.warnings << w;
    }
    // Mail text goes to terminals and SQLite; NUL bytes help neither.
    pm.body.remove(QChar(0));

    const text::SplitBody split = text::splitQuoted(pm.body);
    pm.ownText = split.own;
    pm.quotedText = split.quoted;
    pm.signature = split.signature;
    pm.subjectInfo = text::parseSubject(pm.subject);
    pm.isReply = pm.subjectInfo.isReply || !pm.inReplyTo.isEmpty();
    if (!full) {
        pm.prose = pm.ownText;
        return pm;
    }
    // splitQuoted keeps a diff in `own` (quoted diffs go to `quoted`); the prose is what
    // precedes it.
    pm.diff = text::parseDiff(pm.ownText);
    pm.prose = pm.diff.start >= 0 ? pm.ownText.left(pm.diff.start) : pm.ownText;
    pm.trailers = text::parseTrailers(pm.prose);
    if (pm.isReply)
        pm.applied = text::parseAppliedNotice(pm.prose);
    pm.changeId = text::changeId(pm.body);
    return pm;
}

} // namespace kl::mail
