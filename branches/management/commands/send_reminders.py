from datetime import date

from django.core.management.base import BaseCommand, CommandError

from branches import services


class Command(BaseCommand):
    help = "Notify secretaries and department heads whose items are behind pace or due (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options.get("date") else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD")
        result = services.send_reminders(today=today)
        self.stdout.write(
            f"items={result.items} created={result.created} users={result.users} emailed={result.emailed}"
        )
