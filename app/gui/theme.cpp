#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace kl::gui {

static bool s_dark = false;

void applyPalette(QApplication &app, bool dark)
{
    s_dark = dark;
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    if (dark) {
        const QColor window(0x26, 0x29, 0x2e), base(0x1d, 0x1f, 0x23), text(0xe6, 0xe6, 0xe6);
        const QColor highlight(0x3d, 0x8e, 0xe0);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2d, 0x33));
        p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x36, 0x3c));
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8f, 0x98));
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, QColor(0x31, 0x34, 0x3a));
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::BrightText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
        p.setColor(QPalette::Highlight, highlight);
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Mid, QColor(0x44, 0x48, 0x50));
        p.setColor(QPalette::Dark, QColor(0x18, 0x1a, 0x1d));
        p.setColor(QPalette::Light, QColor(0x3a, 0x3e, 0x45));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x7a, 0x7f, 0x88));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x7a, 0x7f, 0x88));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x7a, 0x7f, 0x88));
    } else {
        p = app.style()->standardPalette();
        p.setColor(QPalette::Window, QColor(0xf4, 0xf5, 0xf7));
        p.setColor(QPalette::Base, Qt::white);
        p.setColor(QPalette::AlternateBase, QColor(0xf3, 0xf6, 0xfa));
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc4));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x1f, 0x5f, 0xb4));
    }
    app.setPalette(p);
}

bool isDarkPalette()
{
    return s_dark;
}

charts::Theme chartTheme()
{
    return charts::Theme::fromPalette(QApplication::palette());
}

} // namespace kl::gui
