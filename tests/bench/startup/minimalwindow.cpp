// The peer of the start-up bench: a one-label Qt Widgets window that prints the time from the
// start of main() to its first paint and quits, exactly as `jobscope --quit-after-first-paint`.
#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QTimer>
#include <cstdio>

class Probe final : public QObject
{
public:
    explicit Probe(QElapsedTimer *clock)
        : m_clock(clock)
    { }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            QTimer::singleShot(0, [this] {
                std::printf("first-paint-ms %.1f\n", double(m_clock->nsecsElapsed()) / 1e6);
                std::fflush(stdout);
                QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QElapsedTimer *m_clock;
    bool m_done = false;
};

int main(int argc, char **argv)
{
    QElapsedTimer clock;
    clock.start();
    QApplication app(argc, argv);
    QLabel label(QStringLiteral("Hello"));
    Probe probe(&clock);
    label.installEventFilter(&probe);
    label.resize(400, 200);
    label.show();
    return app.exec();
}
