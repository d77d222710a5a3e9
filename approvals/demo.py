"""Demo data of the approvals: a few requests in every state, so each role's queue has something
in it. Registered with common.demo from ApprovalsConfig.ready(); runs after the carriers."""

from common.levels import Level

from . import selectors, services


def seed(context) -> dict:
    return {"requests": seed_approvals(context["people"], context["password"])}


def seed_approvals(people, password) -> int:
    def ask(who, kind, level, title, purpose, **extra):
        return services.submit_request(actor=people[who], kind=kind, level=level, title=title, purpose=purpose, **extra)

    def decide(who, request, outcome, reason=""):
        services.decide(actor=people[who], request_id=request.pk, outcome=outcome, password=password, reason=reason)

    services.submit_publication_review(
        actor=people["staff_core"], title="关于新型材料研究进展的综述论文", material_kind="manuscript",
        outlet_type="domestic", outlet_name="《材料科学学报》", summary="公开文献综述，不引用内部试验数据。",
        related_level=Level.CONFIDENTIAL,
    )
    overseas = services.submit_publication_review(
        actor=people["staff_general"], title="国际会议投稿：办公自动化实践", material_kind="manuscript",
        outlet_type="overseas", outlet_name="International Conference on Office Systems",
        summary="介绍通用办公流程改进，不涉及本单位涉密业务。", related_level=Level.CONFIDENTIAL,
    )
    decide("head_gen", selectors.review_request(review=overseas), "approve")
    ask("staff_important", "production", Level.SECRET, "印制《2027年科研计划》20份", "下发各处室执行", approved_quantity=20)
    top = ask("staff_core", "production", Level.TOP_SECRET, "制作《装备试验总体方案》5份", "报上级主管部门审定",
              approved_quantity=5)
    decide("head_res", top, "approve")
    done = ask("staff_important", "copying", Level.SECRET, "复制《技术方案》2份", "项目组讨论使用", approved_quantity=2)
    decide("head_res", done, "approve")
    refused = ask("staff_fin", "carrying_out", Level.CONFIDENTIAL, "携带《项目经费预算》外出", "赴银行办理业务")
    decide("head_fin", refused, "reject", reason="不属于必须携带外出的情形，请使用非涉密材料办理。")
    return 6
