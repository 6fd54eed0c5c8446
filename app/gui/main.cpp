#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("KernelLens"));
    QMainWindow window;
    window.setWindowTitle(QStringLiteral("KernelLens"));
    window.setCentralWidget(new QLabel(QStringLiteral("KernelLens")));
    window.resize(1200, 800);
    window.show();
    return QApplication::exec();
}
