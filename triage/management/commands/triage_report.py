from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from accounts.models import User
from cases.selectors import cases_for
from triage.models import Override, Triage
from triage.selectors import dispatch_accuracy


class Command(BaseCommand):
    help = (
        "打印智能分拣的运行情况：派单准确率、自动填写与人工研判的比例、人工改判次数。 / "
        "How triage is doing: dispatch accuracy, share filled in vs left to a person, overrides."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", default="", help="按该用户的数据范围统计（默认：全市管理员）/ within this user's scope"
        )

    def handle(self, *args, **options):
        users = User.objects.filter(username=options["user"]) if options["user"] else None
        user = (
            users.first()
            if users is not None
            else User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("没有这个用户 / no such user (give --user USERNAME)")
        scope = cases_for(user).values("pk")
        accuracy = dispatch_accuracy(user)
        triage = Triage.objects.filter(case__in=scope)
        # JSON containment is not portable (SQLite): count in Python.
        prefilled = sum("category" in p for p in triage.values_list("prefilled", flat=True).iterator())
        out = self.stdout
        out.write(f"scope of {user.username}")
        if accuracy.rate is None:
            out.write("派单准确率 dispatch accuracy: no dispatches yet")
        else:
            out.write(f"派单准确率 dispatch accuracy: {accuracy.rate:.1%}")
        out.write(f"  {accuracy.dispatches:,} dispatches, {accuracy.returned:,} returned, "
                  f"{accuracy.reassigned:,} reassigned")  # fmt: skip
        out.write(f"cases triaged: {triage.count():,}; category filled in: {prefilled:,}; "
                  f"needs a human: {triage.filter(needs_human=True).count():,}")  # fmt: skip
        overrides = Override.objects.filter(case__in=scope).values("field").annotate(n=Count("pk"))
        for row in overrides.order_by("field"):
            out.write(f"overrides of {row['field']}: {row['n']:,}")
