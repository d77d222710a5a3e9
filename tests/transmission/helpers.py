"""Helpers: dispatch and receive through the services with sensible defaults."""


def send(org, carriers, *, recipient=None, channel="confidential_courier", count=None, **extra):
    from carriers.transmission import services

    return services.dispatch(
        actor=extra.pop("actor", org.secretary), password=extra.pop("password", org.password),
        recipient=recipient or org.other_secretary, carriers=carriers,
        declared_count=len(carriers) if count is None else count, channel=channel, **extra,
    )


def receive(org, dispatch, *, actor=None, counted=None, container=None, **extra):
    from carriers.transmission import services

    return services.receive(
        actor=actor or org.other_secretary, password=extra.pop("password", org.password), dispatch_id=dispatch.pk,
        counted_count=dispatch.declared_count if counted is None else counted,
        container=container if container is not None else org.other_safe, **extra,
    )
