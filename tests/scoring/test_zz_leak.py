def test_after():
    from config.celery import app
    from scoring import tasks
    app.conf.task_always_eager = True
    print("\nEAGER", app.conf.task_always_eager, tasks.compile_quarter.app is app, tasks.compile_quarter.app.conf.task_always_eager)
