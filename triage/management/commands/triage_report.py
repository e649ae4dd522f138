from django.core.management.base import BaseCommand
from django.db.models import Count

from accounts.models import User
from triage.models import Override, Triage
from triage.selectors import dispatch_accuracy


class Command(BaseCommand):
    help = (
        "打印智能分拣的运行情况：派单准确率、自动填写与人工研判的比例、人工改判次数。 / "
        "How triage is doing: dispatch accuracy, share filled in vs left to a person, overrides."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", default="", help="按该用户的数据范围统计 / count within this user's scope"
        )

    def handle(self, *args, **options):
        user = User.objects.get(username=options["user"]) if options["user"] else None
        user = user or User.objects.filter(is_superuser=True).order_by("pk").first()
        accuracy = dispatch_accuracy(user)
        triaged = Triage.objects.count()
        # JSON containment is not portable (SQLite): count in Python.
        prefilled = sum(
            "category" in p for p in Triage.objects.values_list("prefilled", flat=True).iterator()
        )
        human = Triage.objects.filter(needs_human=True).count()
        out = self.stdout
        out.write(
            f"派单准确率 dispatch accuracy: {accuracy.rate:.1%}"
            if accuracy.rate is not None
            else "no dispatches"
        )
        out.write(f"  {accuracy.dispatches:,} dispatches, {accuracy.returned:,} returned, "
                  f"{accuracy.reassigned:,} reassigned")  # fmt: skip
        out.write(f"cases triaged: {triaged:,}; category filled in: {prefilled:,}; needs a human: {human:,}")
        for row in Override.objects.values("field").annotate(n=Count("pk")).order_by("field"):
            out.write(f"overrides of {row['field']}: {row['n']:,}")
