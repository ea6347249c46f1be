import factory

from aftersales.customers.models import Customer, Dealer, DealerMember


class DealerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dealer
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dealer{n}")
    name = factory.Sequence(lambda n: f"经销店{n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"客户{n}")
    mobile = factory.Sequence(lambda n: f"135{n:08d}")
    mobile_reversed = factory.LazyAttribute(lambda c: c.mobile[::-1])
    province = "上海市"
    city = "上海市"


def dealer_user(make_user, dealer, **fields):
    from aftersales.accounts.roles import Role

    user = make_user(Role.DEALER, **fields)
    DealerMember.objects.create(dealer=dealer, user=user)
    return user
